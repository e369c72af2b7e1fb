"""Raw articles in, canonical text and metadata out."""
