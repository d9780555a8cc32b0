import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def token_for(api, username, password=PASSWORD):
    return api.post(reverse("api:token"), {"username": username, "password": password}, format="json")


def test_a_token_is_issued_for_good_credentials_and_works(world, api):
    r = token_for(api, "office_admin")
    assert r.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {r.json()['token']}")
    assert api.get(reverse("api:me")).json()["username"] == "office_admin"


def test_bad_credentials_get_no_token(world, api):
    r = token_for(api, "office_admin", "wrong-password1")
    assert r.status_code == 400
    assert not Token.objects.exists()


def test_a_revoked_token_stops_working(world, api):
    key = token_for(api, "branch_user").json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.delete(reverse("api:token")).status_code == 204
    assert api.get(reverse("api:me")).status_code == 401


def test_units_list_holds_only_the_callers_subtree(world, api):
    api.force_authenticate(world.office_admin)
    body = api.get(reverse("api:unit-list")).json()
    codes = {u["code"] for u in body["results"]}
    assert codes == {"T1", "T101", "T102", "T10101"}
    assert len(body["results"]) == 4 and body["next"] is None
    assert set(body["results"][0]) >= {"id", "code", "name", "level", "kind", "parent"}


def test_a_branch_sees_only_its_own_unit_and_grids(world, api):
    api.force_authenticate(world.branch_user)
    codes = {u["code"] for u in api.get(reverse("api:unit-list")).json()["results"]}
    assert codes == {"T101", "T10101"}


def test_a_leader_sees_only_the_assigned_branch(world, api):
    api.force_authenticate(world.leader)
    codes = {u["code"] for u in api.get(reverse("api:unit-list")).json()["results"]}
    assert codes == {"T101", "T10101"}


def test_unit_outside_scope_is_404(world, api):
    api.force_authenticate(world.branch_user)
    assert api.get(reverse("api:unit-detail", args=[world.village.pk])).status_code == 404


def test_me_lists_roles_with_units(world, api):
    api.force_authenticate(world.branch_user)
    body = api.get(reverse("api:me")).json()
    assert body["roles"] == [{"role": "secretary", "role_name": "支部书记", "unit": world.community.pk,
                              "unit_code": "T101", "unit_name": "东城社区"}]
    assert body["mobile"] == "139****5678"


def test_schema_and_docs_are_served_locally(world, client):
    client.force_login(world.branch_user)  # for signed-in users only (API_DOCS_PUBLIC off)
    schema = client.get(reverse("schema"))
    assert schema.status_code == 200 and b"/api/v1/units/" in schema.content
    docs = client.get(reverse("swagger-ui"))
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "http://" not in html and "https://" not in html


@pytest.mark.parametrize("body", ["false", "-304828000", "[1, 2]", "\"text\""])
def test_a_json_body_that_is_not_an_object_is_a_client_error(world, campaign, body):
    """Found by schemathesis: actions reading named fields crashed on a bare JSON value."""
    from wuxing.evaluation.models import Submission

    sub = Submission.objects.create(campaign=campaign, branch=world.community, status="office")
    api = APIClient()
    api.force_authenticate(world.office_admin)
    r = api.post(reverse("api:submission-office-pass", args=[sub.pk]), body, content_type="application/json")
    assert r.status_code == 400 and "JSON 对象" in r.json()["detail"]


def test_an_unknown_api_url_answers_json_and_a_page_url_answers_the_page(world, client):
    r = client.get("/api/v1/score-sheets/-1/")
    assert r.status_code == 404 and r.json() == {"detail": "未找到。"}
    r = client.get("/no-such-page/")
    assert r.status_code == 404 and r["Content-Type"].startswith("text/html")
