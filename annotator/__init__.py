"""annotator: build labelled corpora from news articles."""

__version__ = "0.1.0"
