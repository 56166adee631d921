"""The in-memory store must stay the store's twin, or the domain tests below prove nothing."""

from __future__ import annotations

import inspect

import pytest
from autograph import aws
from autograph.store.diagram_models import DiagramItem

from tests.unit.diagrams.fake_store import MODULES, FakeStore, public_functions


@pytest.mark.parametrize("module", list(MODULES), ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_fake_store_matches_the_store(module: object) -> None:
    fake_cls, pure = MODULES[module]
    names = set(public_functions(module))
    assert names - pure, f"{module} exposes no functions?"
    missing = names - pure - set(dir(fake_cls))
    assert not missing, f"the fake of {module.__name__} lacks {sorted(missing)}"
    fake = fake_cls(FakeStore().tables)
    for name in names - pure:
        real = [(p.name, p.kind, p.default)
                for p in inspect.signature(getattr(module, name)).parameters.values()]
        twin = [(p.name, p.kind, p.default)
                for p in inspect.signature(getattr(fake, name)).parameters.values()]
        assert real == twin, f"{module.__name__}.{name}: the fake takes {twin}, the store {real}"


def test_install_replaces_every_function_and_blocks_aws(fake: FakeStore) -> None:
    for module, (_, pure) in MODULES.items():
        for name in set(public_functions(module)) - pure:
            assert getattr(module, name) == getattr(fake.fakes[module], name), f"{module.__name__}.{name}"
    with pytest.raises(AssertionError, match="reached AWS"):  # a call that slipped past the fake
        DiagramItem.get(*DiagramItem.key("d1"))
    with pytest.raises(AssertionError, match="reached AWS"):
        aws.client("s3")
