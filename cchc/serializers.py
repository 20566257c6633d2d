"""JSON serialization for backups that keeps datetimes to the microsecond.

Django's JSON serializer cuts times to milliseconds, so a restored row would not be exactly
the row that was saved. This format writes the full ISO 8601 value; reading is Django's own.
Registered as "exactjson" in SERIALIZATION_MODULES.
"""

import datetime

from django.core.serializers.json import Deserializer
from django.core.serializers.json import Serializer as JSONSerializer


class Serializer(JSONSerializer):
    def _value_from_field(self, obj, field):
        value = super()._value_from_field(obj, field)
        if isinstance(value, datetime.datetime | datetime.time):
            return value.isoformat()
        return value


__all__ = ["Deserializer", "Serializer"]
