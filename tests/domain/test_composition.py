"""The use-case mixins share one class: a name defined twice would silently win or lose."""

from __future__ import annotations

from itertools import combinations

from eventsourcing.application import Application

from hms_core.application import HMSApplication
from hms_core.service import Service


def own_names(cls: type) -> set[str]:
    return {name for name in vars(cls) if not name.startswith("__")}


def test_no_two_services_define_the_same_name():
    services = [c for c in HMSApplication.__mro__ if issubclass(c, Service) and c is not Service]
    assert len(services) >= 6
    for a, b in combinations(services, 2):
        assert not own_names(a) & own_names(b), (a.__name__, b.__name__)


def test_no_use_case_mixin_shadows_the_librarys_application():
    library = set(dir(Application))
    for cls in HMSApplication.__mro__[1:]:
        if issubclass(cls, Service) and cls is not Service:
            assert not (own_names(cls) - {"name"}) & library, cls.__name__
