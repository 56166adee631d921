"""Auth domain: accounts, passwords, tokens, API keys, throttling, audit."""
