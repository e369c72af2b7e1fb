"""Use cases: the one API that the window and the command line call."""
