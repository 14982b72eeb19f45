"""The programme office's own registers (see `programme/apps.py`)."""
