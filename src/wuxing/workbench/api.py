"""`GET /api/v1/me/todo/`: the same to-do as the home page."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from wuxing.workbench import selectors


class TodoItemSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="stable name of the item, e.g. targets_to_confirm")
    label = serializers.CharField()
    count = serializers.IntegerField()
    url = serializers.CharField(help_text="the page where it is done")
    urgent = serializers.BooleanField()
    detail = serializers.CharField()


class TodoLeaderRowSerializer(serializers.Serializer):
    branch = serializers.IntegerField(source="branch.pk")
    branch_name = serializers.CharField(source="branch.name")
    report = serializers.CharField()
    stage = serializers.CharField()
    level = serializers.IntegerField(allow_null=True)
    overdue = serializers.IntegerField()
    url = serializers.CharField()


class TodoSectionSerializer(serializers.Serializer):
    title = serializers.CharField()
    role = serializers.CharField()
    open = serializers.IntegerField()
    items = TodoItemSerializer(many=True)
    rows = TodoLeaderRowSerializer(many=True)


class TodoSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    sections = TodoSectionSerializer(many=True)


class TodoView(APIView):
    """What the caller has to do now, per role: counts and the page of each."""

    @extend_schema(responses=TodoSerializer)
    def get(self, request):
        sections = selectors.todo(request.user)
        return Response(TodoSerializer({"total": selectors.total(sections), "sections": sections}).data)
