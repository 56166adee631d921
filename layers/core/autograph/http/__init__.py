"""Shared FastAPI pieces: app factory, problem+json errors, principal, pagination, Lambda handler."""
