"""Persistence: PynamoDB models on the single application table, S3 blobs."""
