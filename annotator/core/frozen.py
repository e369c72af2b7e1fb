"""Fast positional construction of frozen slotted dataclasses, for code that builds thousands.

A frozen dataclass's ``__init__`` stores each field through ``object.__setattr__`` (the class's
own ``__setattr__`` refuses), about three times slower than plain slot stores: reading a
55,000-span document spent more time there than in the query. :func:`fast_constructor` returns
a twin class with the same slots whose ``__init__`` stores the fields directly and then makes
the object an instance of the real class (allowed because the layouts are identical), so the
result is indistinguishable from one made by the dataclass: same type, equality, repr, hash.
No defaults and no ``__post_init__``: every field is passed, in declaration order. With
``restoring``, a class with a ``__post_init__`` is allowed too: the caller passes the fields it
derives as well (as unpickling restores an object), so it is not run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any, TypeVar

T = TypeVar("T")


def fast_constructor(cls: type[T], *, restoring: bool = False) -> Callable[..., T]:
    """``cls(*all_fields)``, without the frozen dataclass's per-field ``object.__setattr__``
    (``restoring``: every field given, a ``__post_init__`` not run)."""
    names = [field.name for field in fields(cls)]  # type: ignore[arg-type]
    slots = getattr(cls, "__slots__", ())
    if tuple(names) != tuple(slots) or (hasattr(cls, "__post_init__") and not restoring):
        raise TypeError(f"{cls.__name__} is not a slotted dataclass with only init fields")
    source = (
        f"def __init__(self, {', '.join(names)}):\n"
        + "".join(f"    self.{name} = {name}\n" for name in names)
        + "    self.__class__ = __fast_class__\n"
    )
    namespace: dict[str, Any] = {"__fast_class__": cls}
    exec(source, namespace)
    return type(f"_Fast{cls.__name__}", (), {"__slots__": slots, "__init__": namespace["__init__"]})
