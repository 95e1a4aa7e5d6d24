"""Named classes by entry point: the one registry behind routing, swap and purification seams.

A pluggable policy inside a layer (a routing strategy, a swap policy, a purification protocol)
is a class with a ``name``, a one-line ``description`` and, where it takes options, a
``config_model``. A third-party package makes one available by exporting the class under the
seam's entry-point group, with the entry point named like the class's ``name``::

    [project.entry-points."qnetstack.swap_policies"]
    freshest-first = "my_swaps.freshest:FreshestFirst"

The built-ins are registered the same way in qnetstack's own ``pyproject.toml`` and are also
always included by :meth:`NamedRegistry.from_entry_points`, so they work from a source tree
whose metadata is stale. A registry is an explicit object, never a global changed at import
time; one package that fails to load is reported in :attr:`NamedRegistry.load_errors` and does
not break the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib.metadata import entry_points
from typing import Any, ClassVar, Generic, Self, TypeVar

__all__ = ["NamedRegistry", "RegistryError"]

T = TypeVar("T")


class RegistryError(Exception):
    """A class cannot be registered, or a name is unknown (the message names what is allowed)."""


class NamedRegistry(Generic[T]):
    """Classes of one seam by name.

    Subclasses set :attr:`kind` (in messages: ``"swap policy"``), :attr:`kinds` (plural),
    :attr:`group` (the entry-point group), :attr:`base` (what every class must subclass),
    :attr:`required` (class attributes every class must have), :attr:`builtins` and
    :attr:`error` (the exception raised, a subclass of the seam's own error type).

    ``T`` is what the classes make: :meth:`get` returns a ``type[T]``, :meth:`create` a ``T``.

    Args:
        classes: Classes to register (names must be unique).
    """

    kind: ClassVar[str]
    kinds: ClassVar[str]
    group: ClassVar[str]
    base: ClassVar[type[Any]]
    required: ClassVar[tuple[str, ...]] = ("name", "description")
    builtins: ClassVar[tuple[type[Any], ...]] = ()
    error: ClassVar[type[Exception]] = RegistryError

    def __init__(self, classes: Iterable[type[T]] = ()) -> None:
        self._classes: dict[str, type[T]] = {}
        self.load_errors: list[str] = []
        """Entry points that failed to load, as messages."""
        for cls in classes:
            self.register(cls)

    @classmethod
    def with_builtins(cls) -> Self:
        """The built-in classes only (no entry points read)."""
        return cls(cls.builtins)

    @classmethod
    def from_entry_points(cls) -> Self:
        """The built-ins plus every class installed under :attr:`group`, by entry-point name."""
        registry = cls.with_builtins()
        for ep in sorted(entry_points(group=cls.group), key=lambda e: e.name):
            try:
                obj = ep.load()
            except Exception as exc:  # a third-party import can fail in any way
                registry.load_errors.append(f"{ep.name} ({ep.value}): {type(exc).__name__}: {exc}")
                continue
            if registry._classes.get(ep.name) is obj:
                continue  # a built-in, listed in qnetstack's own entry points
            try:
                registry.register(obj)
            except cls.error as exc:
                registry.load_errors.append(f"{ep.name} ({ep.value}): {exc}")
                continue
            if obj.name != ep.name:
                registry.load_errors.append(
                    f"{ep.name} ({ep.value}): registered as {obj.name!r}, its own name; "
                    "rename the entry point to match"
                )
        return registry

    def register(self, cls: object) -> None:
        """Add a class.

        Raises:
            error: It is not a subclass of :attr:`base` with every attribute of
                :attr:`required`, or its name is taken.
        """
        if not (isinstance(cls, type) and issubclass(cls, self.base)):
            raise self.error(f"{cls!r} is not a {self.base.__name__} subclass")
        for attr in self.required:
            if not hasattr(cls, attr):
                raise self.error(f"{cls.__name__} has no {attr!r}")
        name = cls.name  # type: ignore[attr-defined]
        if name in self._classes:
            raise self.error(f"two {self.kinds} are named {name!r}")
        self._classes[name] = cls

    def get(self, name: str) -> type[T]:
        """The class called ``name``.

        Raises:
            error: Naming the classes that are available.
        """
        try:
            return self._classes[name]
        except KeyError:
            known = ", ".join(repr(n) for n in self.names())
            raise self.error(f"unknown {self.kind} {name!r}; available: {known}") from None

    def create(self, name: str, options: Mapping[str, Any] | None = None) -> T:
        """An instance of class ``name`` configured from ``options`` (its ``config_model``).

        Raises:
            error: Unknown name.
            pydantic.ValidationError: The options do not fit the class's config model.
        """
        cls: Any = self.get(name)
        return cls(cls.config_model.model_validate(dict(options or {})))  # type: ignore[no-any-return]

    def names(self) -> list[str]:
        """Names of the registered classes, sorted."""
        return sorted(self._classes)

    def all(self) -> list[type[T]]:
        """The registered classes, by name."""
        return [self._classes[n] for n in self.names()]
