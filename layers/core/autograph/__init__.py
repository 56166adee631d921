"""AutoGraph domain package: shipped to Lambda as the core layer, imported the same way in tests."""

__version__ = "0.1.0"
