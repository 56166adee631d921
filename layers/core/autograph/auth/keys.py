"""ES256 signing keys kept in Secrets Manager (read through Powertools Parameters).

The secret holds {"active_kid": ..., "keys": [{"kid", "private_pem", "created_at"}]}. CloudFormation
creates it holding a random string; the first caller allowed to write replaces that with a real key.
All writers use the same ClientRequestToken, so two cold starts racing produce one key, not two.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from .. import clock
from ..aws import client
from ..config import get_settings

BOOTSTRAP_TOKEN = "autograph-signing-key-bootstrap-v1-0000000000"  # 32..64 chars, fixed on purpose
CACHE_SECONDS = 300


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: Any  # cryptography EllipticCurvePrivateKey
    public_key: Any


@dataclass(frozen=True)
class KeySet:
    active: SigningKey | None
    by_kid: dict[str, SigningKey]


_lock = threading.Lock()
_cache: tuple[float, KeySet] | None = None


def _provider() -> Any:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

    return SecretsProvider(boto3_client=client("secretsmanager"))


def _parse(raw: str | None) -> KeySet | None:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        doc = json.loads(raw or "")
        keys = {}
        for entry in doc["keys"]:
            private = load_pem_private_key(entry["private_pem"].encode(), password=None)
            keys[entry["kid"]] = SigningKey(entry["kid"], private, private.public_key())
        return KeySet(active=keys[doc["active_kid"]], by_kid=keys)
    except (ValueError, KeyError, TypeError):
        return None


def _new_key_document() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    kid = f"ag-{time.strftime('%Y%m%d', time.gmtime(clock.now()))}-{secrets.token_hex(4)}"
    return json.dumps({"active_kid": kid, "keys": [{"kid": kid, "private_pem": pem, "created_at": clock.iso()}]})


def _bootstrap(secret_id: str) -> None:
    sm = client("secretsmanager")
    # If another writer won the race, its key is the one: ResourceExists is success for us.
    with contextlib.suppress(sm.exceptions.ResourceExistsException):
        sm.put_secret_value(SecretId=secret_id, SecretString=_new_key_document(),
                            ClientRequestToken=BOOTSTRAP_TOKEN)


def load_keys(*, create: bool = False, force: bool = False) -> KeySet:
    """The current key set. With `create`, a secret that holds no key yet is given one."""
    global _cache
    with _lock:
        if _cache and not force and time.monotonic() - _cache[0] < CACHE_SECONDS:
            return _cache[1]
        secret_id = get_settings().signing_key_secret
        provider = _provider()
        keys = _parse(provider.get(secret_id, force_fetch=force))
        if keys is None and create:
            _bootstrap(secret_id)
            keys = _parse(provider.get(secret_id, force_fetch=True))
        if keys is None:
            return KeySet(active=None, by_kid={})  # nothing issued yet, so nothing verifies
        _cache = (time.monotonic(), keys)
        return keys


def reset_cache() -> None:
    global _cache
    _cache = None


def public_jwks(keys: KeySet) -> dict[str, Any]:
    from jwt.algorithms import ECAlgorithm

    out = []
    for kid, key in sorted(keys.by_kid.items()):
        jwk = json.loads(ECAlgorithm.to_jwk(key.public_key))
        jwk.update({"kid": kid, "use": "sig", "alg": "ES256"})
        out.append(jwk)
    return {"keys": out}
