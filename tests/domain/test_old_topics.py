"""Stored events name their class by the module it lived in when they were written: every
name a class has had still finds it (hms_core.infra.old_topics)."""

from __future__ import annotations

from eventsourcing.utils import resolve_topic

from hms_core.directory.user import User
from hms_core.infra.old_topics import MOVED, register_old_topics


def test_every_old_module_path_resolves_to_the_class_now():
    register_old_topics()
    for topic, cls in MOVED.items():
        assert resolve_topic(topic) is cls, topic


def test_a_users_events_resolve_under_both_paths_it_had_before_user_py():
    register_old_topics()
    for module in ("hms_core.directory", "hms_core.directory.organisation"):
        assert resolve_topic(f"{module}:User.Registered") is User.Registered
        # No command triggers these any more, but stores hold them.
        assert resolve_topic(f"{module}:User.TokenRevoked") is User.TokenRevoked
        assert resolve_topic(f"{module}:User.Reactivated") is User.Reactivated
