"""Config value types in TOML terms: checking a value against a field's annotation and
naming types and values as a config author writes them (shared by configs and model params).
"""

import dataclasses
import inspect
import json
import types
import typing

__all__ = ["toml_value", "type_name", "type_ok", "wrong_type"]


def type_ok(value, hint):
    """Whether a TOML ``value`` fits the type annotation ``hint``.

    Parameters
    ----------
    value : object
        As ``tomllib`` parsed it (lists for arrays, dicts for tables).
    hint : type
        A field's annotation: ``int``, ``float`` (integers pass), ``str``, ``bool``,
        ``tuple[X, ...]`` (a list of any length), ``tuple[X, Y]`` (exactly two), unions.

    Returns
    -------
    bool
    """
    origin = typing.get_origin(hint)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if origin is tuple:  # a TOML list: tuple[X, ...] any length, tuple[X, Y] exactly two
        args = typing.get_args(hint)
        if not isinstance(value, list):
            return False
        items = [args[0]] * len(value) if args[-1] is Ellipsis else args
        return len(value) == len(items) and all(map(type_ok, value, items))
    if origin in (typing.Union, types.UnionType):
        return any(type_ok(value, h) for h in typing.get_args(hint))
    if hint is type(None):
        return value is None
    return isinstance(value, hint)


# What the value types of config fields are called in TOML (singular, plural).
_TOML_NAMES = {
    str: ("string", "strings"),
    int: ("integer", "integers"),
    float: ("float or integer", "numbers"),
    bool: ("true or false", "booleans"),
    dict: ("a table", "tables"),
}


def type_name(hint, plural=False):
    """Name the type ``hint`` as a config author would, e.g. ``"a list of integers"``.

    Parameters
    ----------
    hint : type
    plural : bool
        ``"integers"`` instead of ``"integer"`` (inside a list's name).

    Returns
    -------
    str
    """
    if typing.get_origin(hint) in (typing.Union, types.UnionType):  # None: leave the key out
        args = [h for h in typing.get_args(hint) if h is not type(None)]
        return " or ".join(type_name(h, plural) for h in args)
    if typing.get_origin(hint) is tuple:
        args = typing.get_args(hint)
        count = "" if args[-1] is Ellipsis else f"{len(args)} "
        return f"{'lists' if plural else 'a list'} of {count}{type_name(args[0], True)}"
    return _TOML_NAMES.get(hint, (hint.__name__,) * 2)[plural]


def toml_value(value, limit=60):
    """Write ``value`` as TOML source, for messages.

    Parameters
    ----------
    value : object
    limit : int
        Longer text is cut to this many characters, ending in ``...``.

    Returns
    -------
    str
    """
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, list | tuple):
        text = "[" + ", ".join(toml_value(v, limit) for v in value) + "]"
    elif isinstance(value, dict):
        text = "{ " + ", ".join(f"{k} = {toml_value(v, limit)}" for k, v in value.items()) + " }"
    else:
        text = value.isoformat() if hasattr(value, "isoformat") else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# Defaults that make no example: absent (a required field or parameter) or empty.
_NO_EXAMPLE = (None, dataclasses.MISSING, inspect.Parameter.empty, "", (), {})


def wrong_type(where, dotted, hint, value, default):
    """The one-line message for a config value of the wrong type.

    Parameters
    ----------
    where : str
        The config file.
    dotted : str
        The key, e.g. ``"eval.bootstrap"`` or ``"model.params.C"``.
    hint : type
        The annotation the value had to fit.
    value : object
        The value given.
    default : object
        The key's default, shown as the example unless absent or empty.

    Returns
    -------
    str
    """
    key = dotted.rsplit(".", 1)[-1]
    example = "" if default in _NO_EXAMPLE else f", e.g. {key} = {toml_value(default)}"
    return f"{where}: '{dotted}' must be {type_name(hint)}{example}; got {toml_value(value)}"
