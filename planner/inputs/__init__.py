"""Input layer: one schema module per resource, plus the instance that ties them together."""

from planner.inputs.instance import Instance, InstanceSpec, load_instance

__all__ = ["Instance", "InstanceSpec", "load_instance"]
