"""Use cases, one module per concept, put together in `hms_core.application`."""
