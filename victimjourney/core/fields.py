"""Model fields that keep their values encrypted in the database (`core/crypto.py`).

Values are sealed on their way to the database (`get_db_prep_value`, so `save`, `create`,
`bulk_create`, `update` and `bulk_update` all seal) and opened on their way back
(`from_db_value`, so model instances, `values()` and `values_list()` all read plaintext).
Bulk writes that bypass the ORM (COPY, `insert_returning`) must seal their values themselves.

A value that cannot be decrypted is read as `crypto.Unreadable`: reading the field of a model
instance raises `SealedValueError` naming the field and the record; other uses name the field.
Encrypted values cannot be searched: lookups other than `isnull` are refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from victimjourney.core import crypto
from victimjourney.core.crypto import PAYLOAD_MARK, SealedValueError, Unreadable


class SealedAttribute(DeferredAttribute):
    """The field's attribute on an instance: raises, naming the record, for a value that could
    not be decrypted. A data descriptor (it has `__set__`), so it sees every read."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Unreadable):
            value.fail(record=instance.pk)
        return value

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


def _label(field: Any) -> str:
    model = getattr(field, "model", None)
    return f"{model._meta.label}.{field.name}" if model is not None else field.name


class _Sealed:
    """What the whole-value fields share: refuse searches, write Unreadable values back."""

    descriptor_class = SealedAttribute

    def seal(self, value) -> str:
        raise NotImplementedError  # each field seals its kind of value

    def get_prep_value(self, value):
        return value

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        if isinstance(value, Unreadable):
            return value.stored
        return self.seal(value)

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)  # type: ignore[misc]
        raise FieldError(f"{_label(self)} is encrypted: it cannot be searched "
                         f"(lookup {lookup_name!r})")

    def get_transform(self, lookup_name):
        raise FieldError(f"{_label(self)} is encrypted: it cannot be searched "
                         f"(transform {lookup_name!r})")


class EncryptedJSONField(_Sealed, models.TextField):
    """A JSON value stored as one sealed text (`vjenc1:...`)."""

    description = "A JSON value, encrypted"
    # django-stubs' typing hooks (not stubs): the field takes and gives any JSON value, not text.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        if crypto.key_id(value) is None:  # written before encryption (rotate_keys seals it)
            return json.loads(value)
        try:
            return crypto.unseal_json(value, field=_label(self))
        except SealedValueError as exc:
            return Unreadable(value, exc)

    def seal(self, value) -> str:
        return crypto.seal_json(value)

    def to_python(self, value):
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)

    def formfield(self, form_class=None, choices_form_class=None, **kwargs):
        return models.Field.formfield(self, form_class=form_class or forms.JSONField,
                                      choices_form_class=choices_form_class, **kwargs)


class EncryptedTextField(_Sealed, models.TextField):
    """Text stored sealed (`vjenc1:...`)."""

    description = "Text, encrypted"

    def from_db_value(self, value, expression, connection):
        if value is None or crypto.key_id(value) is None:  # None, or written before encryption
            return value
        try:
            return crypto.unseal(value, field=_label(self)).decode()
        except SealedValueError as exc:
            return Unreadable(value, exc)

    def seal(self, value) -> str:
        return crypto.seal(str(value).encode())


class SealedPayloadField(models.JSONField):
    """A JSON object whose sensitive keys are sealed together under `_sealed`; the other keys
    stay plain JSON, so lookups on them (`data__domestic_abuse=True`) keep working. Lookups on
    a sensitive key are refused."""

    descriptor_class = SealedAttribute

    def __init__(self, *args: Any, sensitive: Iterable[str] = (), **kwargs: Any):
        self.sensitive = frozenset(sensitive)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["sensitive"] = sorted(self.sensitive)
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        value = super().from_db_value(value, expression, connection)
        if isinstance(value, dict) and PAYLOAD_MARK in value:
            try:
                return crypto.unseal_payload(value, field=_label(self))
            except SealedValueError as exc:
                return Unreadable(value, exc)
        return value

    def get_db_prep_value(self, value, connection, prepared=False):
        if isinstance(value, Unreadable):
            value = value.stored
        elif isinstance(value, dict):
            value = crypto.seal_payload(value, self.sensitive)
        return super().get_db_prep_value(value, connection, prepared)

    def get_transform(self, lookup_name):
        if lookup_name in self.sensitive or lookup_name == PAYLOAD_MARK:
            raise FieldError(f"{_label(self)}: {lookup_name!r} is encrypted and cannot be "
                             "searched")
        return super().get_transform(lookup_name)
