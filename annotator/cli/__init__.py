"""The command line: headless, never imports Qt."""
