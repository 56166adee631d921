"""Diagrams domain: storage, versions, trash, folders, search, sharing, collaborators, templates."""
