"""The demo district's group robot: 明湖办事处's work group, pointing at the local stand-in that `wuxing demo`
starts (messaging.sink), so that reminders and workflow notices can be seen arriving."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError

from wuxing.messaging import services
from wuxing.messaging.models import Channel, ChannelKind
from wuxing.orgs.models import OrgUnit

DEMO_KEY = "demo-minghu"


def demo_webhook() -> str:
    return f"http://127.0.0.1:{settings.NOTIFY_DEMO_SINK_PORT}/cgi-bin/webhook/send?key={DEMO_KEY}"


def load(system) -> Channel | None:
    office = OrgUnit.objects.get(code="JK01")
    try:
        return services.add_channel(system, office, kind=ChannelKind.WECOM, name="明湖办事处创建工作群",
                                    address=demo_webhook())
    except ValidationError:
        return None  # a production configuration does not allow the local stand-in as a webhook host
