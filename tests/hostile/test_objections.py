"""Issue 18 finding 4: public objections cannot be spammed — a captcha drawn by the app itself, the contact a
phone number or e-mail, limits keyed on the real client address, invalid submissions not counted."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from wuxing.evaluation.models import Objection, PublicNotice

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(campaign):
    cache.clear()
    today = timezone.localdate()
    return PublicNotice.objects.create(campaign=campaign, title="公示", starts_on=today,
                                       ends_on=today + dt.timedelta(days=7), working_days=5)


def body(**extra):
    return {"name": "王群众", "contact": "13811112222", "content": "该社区平安法治工作存在问题", "captcha_0": "k",
            "captcha_1": "PASSED", **extra}


def post(notice, data, **meta):
    return Client(**meta).post(reverse("public:public_notice", args=[notice.pk]), data)


def test_the_form_shows_a_locally_drawn_captcha_and_a_wrong_answer_is_refused(notice):
    html = Client().get(reverse("public:public_notice", args=[notice.pk])).content.decode()
    assert 'class="captcha"' in html and 'src="/public/captcha/image/' in html
    key = html.split('src="/public/captcha/image/')[1].split('"')[0]
    image = Client().get(f"/public/captcha/image/{key}")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    r = post(notice, body(captcha_1="WRONG"))
    assert "验证码不正确" in r.content.decode() and not Objection.objects.exists()


@pytest.mark.parametrize("contact", ["1", "abc", "1381111222", "12811112222", "a@", "王先生"])
def test_the_contact_must_be_a_phone_number_or_an_email(notice, contact):
    r = post(notice, body(contact=contact))
    assert "11 位手机号码或有效的电子邮箱" in r.content.decode() and not Objection.objects.exists()


def test_invalid_submissions_do_not_count_against_the_senders_budget(notice):
    for _ in range(15):
        post(notice, body(captcha_1="WRONG"))
    assert "异议已收到" in post(notice, body()).content.decode()
    assert Objection.objects.count() == 1


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_the_hourly_limit_is_per_real_client_address(notice):
    for _ in range(10):
        assert "异议已收到" in post(notice, body(), REMOTE_ADDR="127.0.0.1",
                                   HTTP_X_FORWARDED_FOR="203.0.113.7").content.decode()
    r = post(notice, body(), REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7")
    assert "提交过于频繁" in r.content.decode()  # a forged first entry does not give a new budget
    assert "异议已收到" in post(notice, body(), REMOTE_ADDR="127.0.0.1",
                               HTTP_X_FORWARDED_FOR="198.51.100.20").content.decode()
    assert Objection.objects.count() == 11
    assert set(Objection.objects.values_list("contact", flat=True)) == {"13811112222"}
