"""Pages: my notification choices; the group channels of the units I administer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuxing.core import policy
from wuxing.core.forms import apply_errors, form_failure, report_failure
from wuxing.messaging import services
from wuxing.messaging.forms import ChannelActionForm, ChannelForm, PreferenceForm
from wuxing.messaging.models import Channel, Delivery, Preference
from wuxing.orgs.models import OrgUnit


@login_required
def preferences(request):
    pref = Preference.objects.filter(user=request.user).first()
    initial = {"email": pref.email, "sms": pref.sms, "digest": pref.digest} if pref else {}
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_preference(request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("通知设置已保存。"))
            return redirect("messaging:preferences")
    return render(request, "messaging/preferences.html", {
        "form": form, "recent": Delivery.objects.filter(user=request.user).order_by("-pk")[:20]})


def _units(user):
    return OrgUnit.objects.for_user(user, "manage").filter(is_active=True).order_by("path")


@login_required
def channels(request):
    if not policy.may_anywhere(request.user, "unit.manage"):
        raise Http404
    form = ChannelForm(request.POST or None, units=_units(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.add_channel(request.user, data.pop("unit"), **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("推送渠道已添加。可点击“发送测试消息”检查是否收到。"))
            return redirect("messaging:channels")
    found = list(Channel.objects.for_user(request.user, "manage").select_related("unit"))
    for channel in found:
        channel.shown_address = services.masked_address(channel.address)
    return render(request, "messaging/channels.html", {"form": form, "channels": found})


@login_required
@require_POST
def channel_action(request, pk: int):
    channel = get_object_or_404(Channel.objects.for_user(request.user, "manage").select_related("unit"), pk=pk)
    form = ChannelActionForm(request.POST)
    try:
        if not form.is_valid():
            raise form_failure(form)
        action = form.cleaned_data["action"]
        if action in ("enable", "disable"):
            services.set_channel_active(request.user, channel, action == "enable")
            messages.success(request, _("已启用。") if action == "enable" else _("已停用。"))
        elif action == "remove":
            services.remove_channel(request.user, channel)
            messages.success(request, _("推送渠道已删除。"))
        else:
            services.send_test_message(request.user, channel)
            messages.success(request, _("测试消息已排队，稍后（一般在 1 分钟内）发出。"))
    except (ValidationError, PermissionDenied) as exc:
        report_failure(request, exc)
    return redirect("messaging:channels")
