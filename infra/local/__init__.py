"""The local runner: moto in server mode plus an API Gateway / Lambda / SQS emulation driven by
template.yaml. `python -m infra.local` (or `make local`) starts it."""
