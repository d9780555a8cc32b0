"""Issue 19 items 5 and 6 through the pages: menus that fit the role, dashboards and weekly pages that open
on the person's own part, queues filtered to the user, notices marked read when opened, and the pages
where channels and personal choices are set."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import met_results, office_agrees
from wuxing.core.models import AuditEvent, Notification
from wuxing.evaluation import services as evaluation
from wuxing.messaging.models import Channel, Preference

pytestmark = pytest.mark.django_db


def menu(client) -> str:
    page = client.get(reverse("home")).content.decode()
    return page[page.index('<nav class="nav"'):page.index("</nav>")]


def test_the_menu_shows_each_role_only_what_it_can_use(world, login):
    branch = menu(login(world.branch_user))
    assert "用户管理" not in branch and "接口" not in branch and "案卷评查" not in branch and "评星" in branch
    office = menu(login(world.office_admin))
    assert "用户管理" in office and "接口" in office
    casefile = menu(login(world.casefile_reviewer))
    assert "案卷评查" in casefile and "年度创建" not in casefile and "周动态" not in casefile


@pytest.mark.parametrize("who, where, unit", [
    ("office_admin", "contest:office", "east"), ("branch_user", "contest:branch", "community"),
    ("district_admin", "contest:district", None),
])
def test_the_dashboard_opens_on_the_persons_own_part(world, campaign, login, who, where, unit):
    response = login(getattr(world, who)).get(reverse("contest:home"))
    args = [campaign.pk] + ([getattr(world, unit).pk] if unit else [])
    assert response.status_code == 302 and response["Location"] == reverse(where, args=args)
    assert login(getattr(world, who)).get(response["Location"], follow=True).status_code == 200


def test_the_leaders_weekly_page_shows_the_assigned_branches(world, campaign, login):
    response = login(world.leader).get(reverse("weekly:home"), follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "东城社区" in page and "李家村" not in page


def claimed(world, campaign, branch, user, stars):
    evaluation.save_self_results(user, campaign, branch, met_results(campaign, branch, stars))
    return evaluation.submit_claim(user, campaign, branch, stars, confirmed=True)


def test_the_queue_filters_by_name_office_status_and_star(world, campaign, login):
    office_agrees(world.office_admin, claimed(world, campaign, world.community, world.branch_user, ["zbgy", "pafz"]))
    claimed(world, campaign, world.village, world.village_user, ["zbgy"])
    claimed(world, campaign, world.west_village, world.other_branch_user, ["pafz"])
    client = login(world.district_admin)
    url = reverse("evaluation:queue", args=[campaign.pk])

    def rows(**query):
        page = client.get(url, query).content.decode()
        table = page[page.index('id="queue"'):page.index("</table>")]
        return {name for name in ("东城社区", "李家村", "王家村") if name in table}

    assert rows() == {"东城社区", "李家村", "王家村"}
    assert rows(q="李家") == {"李家村"}
    assert rows(office=world.east.pk) == {"东城社区", "李家村"}
    assert rows(status="district") == {"东城社区"}
    assert rows(star="pafz") == {"东城社区", "王家村"}
    assert rows(status="district", star="pafz") == {"东城社区"}
    assert rows(star="bad code!") == {"东城社区", "李家村", "王家村"}  # a bad filter is dropped, never an error
    export = client.get(url, {"format": "csv", "office": world.west.pk}).content.decode("utf-8-sig")
    assert "王家村" in export and "东城社区" not in export
    # The office is chosen by typing (issue 21 §1: no <select> of every office); the chosen one stays on the page.
    page = client.get(url, {"office": world.east.pk}).content.decode()
    form = page[page.index('id="queue-filters"'):page.index("</form>", page.index('id="queue-filters"'))]
    assert 'name="office"' in form and '<select name="office"' not in form and "scope=seen_offices" in form
    assert f'name="office" value="{world.east.pk}" checked' in form and "西城办事处" not in form
    # The tabs count every status the person sees, counted by the database.
    assert "初审通过 <b>1</b>" in page or "待区级审核 <b>1</b>" in page


def test_the_queue_office_search_offers_only_offices_one_sees(world, campaign, login):
    found = login(world.office_admin).get(reverse("orgs:unit_search"), {"scope": "seen_offices", "q": "办事处"})
    text = found.content.decode()
    assert f'data-value="{world.east.pk}"' in text
    assert f'data-value="{world.west.pk}"' not in text and f'data-value="{world.district.pk}"' not in text


def test_the_office_matrix_filters_to_targets_waiting_for_confirmation(world, campaign, login):
    from wuxing.creation import services as creation

    creation.save_target(world.branch_user, campaign, world.community, star_codes=["zbgy"], goal="三星")
    creation.submit_target(world.branch_user, creation.get_target(campaign, world.community))
    page = login(world.office_admin).get(reverse("creation:office", args=[campaign.pk, world.east.pk]),
                                         {"status": "submitted"}).content.decode()
    table = page[page.index('id="office-matrix"'):]
    assert "东城社区" in table and "李家村" not in table and "待确认 <b>1</b>" in page


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(world, login):
    notice = Notification.objects.create(user=world.branch_user, title="第48周动态被退回", url="/weekly/")
    client = login(world.branch_user)
    assert '<span class="count">1</span>' in client.get(reverse("home")).content.decode()
    response = client.get(reverse("notification_open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == "/weekly/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert '<span class="count">' not in client.get(reverse("home")).content.decode()
    assert login(world.village_user).get(reverse("notification_open", args=[notice.pk])).status_code == 404


def test_a_notice_pointing_outside_the_site_opens_the_bell_instead(world, login):
    notice = Notification.objects.create(user=world.branch_user, title="x", url="//evil.example/")
    response = login(world.branch_user).get(reverse("notification_open", args=[notice.pk]))
    assert response["Location"] == reverse("notifications")


def test_an_office_admin_adds_a_robot_through_the_page_and_removing_it_needs_a_confirmation(world, login, settings):
    client = login(world.office_admin)
    bad = client.post(reverse("messaging:channels"), {"unit": world.east.pk, "kind": "wecom", "name": "东城群",
                                                      "address": "http://10.1.2.3/cgi-bin/webhook/send?key=k"})
    assert "不在允许范围内" in bad.content.decode() and not Channel.objects.exists()
    outside = client.post(reverse("messaging:channels"), {"unit": world.west.pk, "kind": "wecom", "name": "西城群",
                                                          "address": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"})
    assert outside.status_code == 200 and not Channel.objects.exists()  # not a choice for this admin
    ok = client.post(reverse("messaging:channels"), {"unit": world.east.pk, "kind": "wecom", "name": "东城群",
                                                     "address": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=secret1"})
    assert ok.status_code == 302
    channel = Channel.objects.get()
    page = client.get(reverse("messaging:channels")).content.decode()
    assert "secret1" not in page and "key=****" in page
    url = reverse("messaging:channel_action", args=[channel.pk])
    refused = client.post(url, {"action": "remove"}, follow=True)
    assert "请先勾选“确认删除”" in refused.content.decode() and Channel.objects.exists()
    client.post(url, {"action": "remove", "confirmed": "on"})
    assert not Channel.objects.exists() and AuditEvent.objects.filter(action="messaging.channel.remove").exists()


def test_a_person_chooses_email_only_with_an_address(world, login):
    client = login(world.branch_user)
    page = client.post(reverse("messaging:preferences"), {"email": "on"}).content.decode()
    assert "还没有邮箱地址" in page and not Preference.objects.exists()
    world.branch_user.email = "shuji@example.cn"
    world.branch_user.save()
    assert client.post(reverse("messaging:preferences"), {"email": "on", "digest": "on"}).status_code == 302
    pref = Preference.objects.get(user=world.branch_user)
    assert pref.email and pref.digest and not pref.sms


def test_deleting_a_task_asks_for_a_confirmation_first(world, campaign, login):
    import datetime as dt

    from wuxing.creation import services as creation
    from wuxing.creation.models import PlanTask

    task = creation.create_task(world.branch_user, campaign, world.community, title="网格党支部全覆盖",
                                star_code="zbgy", due_date=dt.date(2026, 12, 31), responsible_name="张丽华")
    client = login(world.branch_user)
    url = reverse("creation:task_delete", args=[task.pk])
    refused = client.post(url, follow=True).content.decode()
    assert "请先勾选“确认删除”" in refused and PlanTask.objects.filter(pk=task.pk).exists()
    assert client.post(url, {"confirmed": "on"}).status_code == 302
    assert not PlanTask.objects.filter(pk=task.pk).exists()
    assert AuditEvent.objects.filter(action="creation.task.delete").count() == 1
