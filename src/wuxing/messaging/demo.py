"""The demo district's group robot: the district's work group (经开区五星创建工作群, which hears every unit
below it), pointing at the local stand-in that `wuxing demo` starts (messaging.sink), so that reminders and
workflow notices can be seen arriving. Added after the year's history is loaded: the group hears what
happens from now on, not a replay of the year."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError

from wuxing.messaging import services
from wuxing.messaging.models import Channel, ChannelKind
from wuxing.orgs.models import OrgUnit

DEMO_KEY = "demo-jingkai"


def demo_webhook() -> str:
    return f"http://127.0.0.1:{settings.NOTIFY_DEMO_SINK_PORT}/cgi-bin/webhook/send?key={DEMO_KEY}"


def load(system) -> Channel | None:
    district = OrgUnit.objects.get(code="JK")
    try:
        return services.add_channel(system, district, kind=ChannelKind.WECOM, name="经开区五星创建工作群",
                                    address=demo_webhook())
    except ValidationError:
        return None  # a production configuration does not allow the local stand-in as a webhook host
