"""The audit trail in sentences for the pages that show it (a branch's 审核记录): what each recorded action
means, in the words of the work, so that nobody reads `evaluation.office.pass` or `draft → submitted`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

VERBS = {
    "evaluation.self.save": _("保存了自评"),
    "evaluation.evidence.add": _("上传了台账资料"),
    "evaluation.evidence.withdraw": _("撤回了台账资料"),
    "evaluation.evidence.replace": _("替换了台账资料"),
    "evaluation.claim.submit": _("提交了评星申报"),
    "evaluation.office.review": _("填写了初审意见"),
    "evaluation.office.pass": _("初审通过了申报"),
    "evaluation.office.return": _("初审退回了申报"),
    "evaluation.district.decide": _("作出了区级审核结论"),
    "evaluation.district.return": _("将申报退回办事处初审"),
    "evaluation.district.finalize": _("完成了区级审核"),
    "evaluation.notice.enter": _("将申报列入公示"),
    "evaluation.notice.publish": _("发布了公示"),
    "evaluation.notice.close": _("结束公示并命名"),
    "evaluation.award": _("命名了星级"),
    "evaluation.star.remove": _("撤销了星"),
    "evaluation.star.reinstate": _("恢复了星"),
    "evaluation.veto.record": _("登记了一票否决事件"),
    "evaluation.veto.approve": _("确认了一票否决事件"),
    "evaluation.veto.revoke": _("撤销了一票否决事件"),
    "evaluation.objection.raise": _("提出了公示异议"),
    "evaluation.objection.resolve": _("处理了公示异议"),
    "evaluation.objection.correct": _("更正了异议处理结果"),
    "creation.target.save": _("保存了争创目标"),
    "creation.target.submit": _("提交了争创目标"),
    "creation.target.confirm": _("确认了争创目标"),
    "creation.target.return": _("退回了争创目标"),
    "creation.task.create": _("新增了创建任务"),
    "creation.task.update": _("修改了创建任务"),
    "creation.task.delete": _("删除了创建任务"),
    "creation.task.progress": _("记录了任务进展"),
    "creation.comment": _("作了批注"),
    "creation.plan.import": _("导入了创建规划"),
    "weekly.report.save": _("保存了周动态"),
    "weekly.report.submit": _("报送了周动态"),
    "weekly.report.accept": _("采用了周动态"),
    "weekly.report.return": _("退回了周动态"),
    "weekly.attachment.add": _("上传了周动态附件"),
    "orgs.unit.create": _("建立了单位"),
    "orgs.unit.update": _("修改了单位信息"),
    "orgs.unit.import": _("导入了组织架构"),
    "orgs.document.number": _("编定了发文字号"),
    "orgs.user.create": _("新建了用户"),
    "orgs.user.update": _("修改了用户信息"),
    "orgs.user.import": _("导入了用户"),
    "orgs.user.reset_password": _("重置了用户密码"),
    "orgs.role.grant": _("授予了角色"),
    "orgs.role.revoke": _("撤销了角色"),
    "orgs.role.stars": _("调整了审核员负责的星"),
    "orgs.assignment.create": _("安排了包联领导"),
    "orgs.assignment.delete": _("取消了包联"),
    "messaging.channel.add": _("添加了推送渠道"),
    "messaging.channel.enable": _("启用了推送渠道"),
    "messaging.channel.disable": _("停用了推送渠道"),
    "messaging.channel.remove": _("删除了推送渠道"),
}


def verb(action: str) -> str:
    return str(VERBS.get(action, _("进行了其他操作")))


def details(data: dict, star_names: dict[str, str]) -> str:
    """The facts of an event worth a reader's eye: stars (by name), the level, the note or reason."""
    names = star_names or {}
    parts = []
    stars = data.get("stars") or data.get("claimed") or ([data["star"]] if data.get("star") else [])
    if stars:
        parts.append("、".join(names.get(c, c) for c in stars))
    if "passed" in data:
        parts.append(str(_("通过")) if data["passed"] else str(_("不通过")))
    level = data.get("level", data.get("to_level"))
    if isinstance(level, int):
        parts.append(str(_("{n}星")).format(n=level))
    for key in ("note", "reason", "description", "outcome", "title", "text"):
        if data.get(key):
            parts.append(f"“{str(data[key])[:200]}”")
            break
    return "，".join(parts)


def line(event, star_names: dict[str, str]) -> tuple:
    """One audit event as the history page reads it: (event, who by name, what they did, the facts). The stored
    "姓名（用户名）" keeps the account for the audit; the page reads better with the name alone."""
    return event, (event.actor_name or "").split("（")[0], verb(event.action), details(event.data or {}, star_names)
