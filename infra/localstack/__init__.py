"""LocalStack community in host mode (no Docker, offline): install.sh installs it, runtime.py runs it."""
