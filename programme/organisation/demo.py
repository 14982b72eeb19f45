"""The demo's organisation of the programme: the Agenda 21 leading team (the mayor in the
chair, the fourteen sections as members) and its office, their meetings since 1996 with the
tasks they gave, and the demo users' departments.

The early meetings' tasks are done; the office's latest meeting is dated a few weeks before
the day the demo is loaded, so that its open tasks are overdue, due soon and due later on
any day the demo is shown (the work queue and the reminder e-mails have something to show).
"""

import datetime

from django.contrib.auth.models import User

from benxi_cp import clock
from programme.models import Body, Meeting, Member, Task, UserProfile
from programme.organisation.choices import BodyKind, MemberRole, TaskStatus
from targets.models import Department

BODIES = [
    # code, kind, name, name_en, parent, established, remit, remit_en
    (
        "leading-team",
        BodyKind.LEADING_TEAM,
        "本溪市21世纪议程领导小组",
        "Benxi Agenda 21 Leading Team",
        None,
        datetime.date(1994, 5, 1),
        "市长任组长，十四个市直部门参加，确定全市清洁生产的目标和政策，协调各部门分工。",
        "Chaired by the mayor, with fourteen municipal sections: sets the city's CP targets "
        "and policies and divides the work between the departments.",
    ),
    (
        "office",
        BodyKind.OFFICE,
        "本溪市21世纪议程领导小组办公室",
        "Office of the Agenda 21 Leading Team (programme office)",
        "leading-team",
        datetime.date(1994, 5, 1),
        "设在21世纪议程管理中心，与市环境保护局一起具体组织实施清洁生产，督办领导小组决定的任务。",
        "Seated at the Agenda 21 Administrative Centre; runs the CP programme day to day with "
        "the EPB and follows up the tasks the leading team decides.",
    ),
]

# body, person, position, role, department, user, term start, term end
MEMBERS = [
    ("leading-team", "周海涛", "市长", MemberRole.LEADER, None, None, "1994-05-01", "2000-12-31"),
    ("leading-team", "高振华", "市长", MemberRole.LEADER, None, None, "2001-01-01", None),
    ("leading-team", "林卫东", "副市长", MemberRole.DEPUTY_LEADER, None, None, "1996-01-01", None),
    ("leading-team", "吴国庆", "市环境保护局局长", MemberRole.DEPUTY_LEADER, "epb", None,
     "1994-05-01", None),
    ("leading-team", "郑永明", "市计划委员会主任", MemberRole.MEMBER, "planning", None,
     "1994-05-01", None),
    ("leading-team", "马建军", "市经济委员会主任", MemberRole.MEMBER, "economic", None,
     "1994-05-01", "1999-06-30"),
    ("leading-team", "韩志刚", "市经济委员会主任", MemberRole.MEMBER, "economic", None,
     "1999-07-01", None),
    ("leading-team", "李强", "21世纪议程管理中心主任", MemberRole.MEMBER, "office", "admin",
     "1994-05-01", None),
    ("leading-team", "何丽萍", "市财政局局长", MemberRole.MEMBER, "finance", None,
     "1994-05-01", None),
    ("leading-team", "宋立军", "市科委主任", MemberRole.MEMBER, "science", None,
     "1994-05-01", None),
    ("leading-team", "唐文斌", "市水利局局长", MemberRole.MEMBER, "water", None,
     "1996-01-01", None),
    ("leading-team", "谢春梅", "市统计局局长", MemberRole.MEMBER, "statistics", None,
     "1996-01-01", None),
    ("leading-team", "冯德胜", "市税务局局长", MemberRole.MEMBER, "taxation", None,
     "1996-01-01", None),
    ("leading-team", "曹宏伟", "市建委主任", MemberRole.MEMBER, "construction", None,
     "1996-01-01", None),
    ("leading-team", "彭玉兰", "市工商局局长", MemberRole.MEMBER, "commerce", None,
     "1996-01-01", None),
    ("leading-team", "袁志强", "市政府法制办主任", MemberRole.MEMBER, "legal", None,
     "1997-01-01", None),
    ("leading-team", "邓秀英", "市劳动局局长", MemberRole.MEMBER, "labour", None,
     "1996-01-01", None),
    ("leading-team", "许明哲", "市卫生局局长", MemberRole.MEMBER, "health", None,
     "1996-01-01", None),
    ("office", "李强", "21世纪议程管理中心主任", MemberRole.DIRECTOR, "office", "admin",
     "1994-05-01", None),
    ("office", "王芳", "市环保局污染控制科", MemberRole.DEPUTY_DIRECTOR, "epb", "epb",
     "1998-01-01", None),
    ("office", "赵磊", "市环保局监测站", MemberRole.LIAISON, "epb", "epb2", "1999-03-01", None),
    ("office", "孙丽", "市财政局综合科", MemberRole.LIAISON, "finance", None,
     "1996-01-01", "2000-12-31"),
    ("office", "钱晓东", "市财政局综合科", MemberRole.LIAISON, "finance", None,
     "2001-01-01", None),
    ("office", "周涛", "市经委资源节约处", MemberRole.LIAISON, "economic", None,
     "1996-01-01", None),
]  # fmt: skip

# The historical meetings: body, date, title, place, minutes, decisions,
# tasks (text, department, due, status, done date or None)
MEETINGS = [
    (
        "leading-team",
        "1996-03-12",
        "1996年领导小组全体会议",
        "市政府第一会议室",
        "会议听取了21世纪议程管理中心关于清洁生产试点的汇报，讨论了全市清洁生产工作计划。",
        "在本钢等重点企业开展清洁生产审核试点\n各成员单位明确一名联络员",
        [
            (
                "组织首批重点企业清洁生产审核试点",
                "office",
                "1996-12-31",
                TaskStatus.DONE,
                "1996-11-20",
            ),
            (
                "各部门报送清洁生产联络员名单",
                "planning",
                "1996-04-30",
                TaskStatus.DONE,
                "1996-04-18",
            ),
        ],
    ),
    (
        "leading-team",
        "1998-04-08",
        "1998年领导小组全体会议",
        "市政府第一会议室",
        "会议总结了两年试点经验，决定在全市国有大中型企业中推广清洁生产。",
        "制定清洁生产目标责任制\n设立清洁生产专项资金",
        [
            (
                "起草清洁生产目标和责任管理办法",
                "legal",
                "1998-09-30",
                TaskStatus.DONE,
                "1998-09-15",
            ),
            (
                "设立清洁生产专项资金并制定管理办法",
                "finance",
                "1998-12-31",
                TaskStatus.DONE,
                "1999-01-20",
            ),
            ("建立清洁生产技术信息库", "science", "1999-06-30", TaskStatus.CANCELLED, None),
        ],
    ),
    (
        "office",
        "2000-10-16",
        "办公室第三季度例会",
        "21世纪议程管理中心",
        "各联络员通报了本部门清洁生产任务进展。",
        "督促各部门年底前完成年度目标自查",
        [
            (
                "完成年度目标和责任自查报告",
                "statistics",
                "2000-12-15",
                TaskStatus.DONE,
                "2000-12-12",
            ),
            ("汇总企业排污申报数据", "epb", "2001-01-31", TaskStatus.DONE, "2001-01-25"),
        ],
    ),
    (
        "leading-team",
        "2001-03-20",
        "2001年领导小组全体会议",
        "市政府第一会议室",
        "会议审议了1996—2000年清洁生产工作总结，部署今后三年全市企业全面推行清洁生产。",
        "6月起新增12家企业开展清洁生产审核\n三年内有条件的企业全部实施清洁生产",
        [
            (
                "组织第二批12家企业开始清洁生产审核",
                "office",
                "2001-06-30",
                TaskStatus.DONE,
                "2001-06-12",
            ),
            (
                "落实清洁生产项目税收优惠政策",
                "taxation",
                "2001-09-30",
                TaskStatus.DONE,
                "2001-10-10",
            ),
        ],
    ),
]

# The latest meeting of the office, dated relative to the day the demo is loaded:
# (text, department, due in days from that day)
LATEST = (
    "office",
    -21,
    "办公室例会：年度督办",
    "21世纪议程管理中心",
    "各联络员通报了领导小组决定任务的进展，办公室逐项明确了牵头部门和完成时限。",
    "对逾期任务发督办通知\n年底前完成第二批企业审核验收的准备",
    [
        ("报送本年度重点企业排污申报汇总表", "epb", -5),
        ("核实第二批审核企业的中/高费方案投资", "office", -2),
        ("编制下年度清洁生产专项资金预算", "finance", 3),
        ("完成第二批企业审核验收的准备工作", "office", 6),
        ("提供全市能源消耗统计数据", "statistics", 12),
        ("修订工业节水定额", "water", 30),
        ("审查清洁生产促进条例草案", "legal", 45),
    ],
)

# demo user, department, e-mail language (the reminders; empty: Chinese)
PROFILES = [
    ("admin", "office", ""),
    ("epb", "epb", ""),
    ("epb2", "epb", "en"),
]


def _date(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def load(stdout) -> None:
    """The demo's organisation: the leading team and the office, members, meetings, tasks
    and departments' staff.

    Long: the demo's story told in order; every step writes what the next reads."""
    departments = {d.code: d for d in Department.objects.all()}
    users = {u.username: u for u in User.objects.filter(username__in=[p[0] for p in PROFILES])}
    bodies: dict[str, Body] = {}
    for code, kind, name, name_en, parent, established, remit, remit_en in BODIES:
        bodies[code], _created = Body.objects.update_or_create(
            code=code,
            defaults={
                "kind": kind,
                "name": name,
                "name_en": name_en,
                "parent": bodies.get(parent) if parent else None,
                "established": established,
                "description": remit,
                "description_en": remit_en,
            },
        )
    demo_bodies = list(bodies.values())
    # Meetings and tasks are made afresh (the latest meeting moves with the day).
    Task.objects.filter(meeting__body__in=demo_bodies).delete()
    Meeting.objects.filter(body__in=demo_bodies).delete()
    Member.objects.filter(body__in=demo_bodies).delete()
    all_users = {u.username: u for u in User.objects.all()}
    Member.objects.bulk_create(
        Member(
            body=bodies[body],
            person_name=person,
            position=position,
            role=role,
            department=departments.get(department) if department else None,
            user=all_users.get(user) if user else None,
            term_start=_date(start),
            term_end=_date(end),
        )
        for body, person, position, role, department, user, start, end in MEMBERS
    )
    tasks = 0
    for body, day, title, place, minutes, decisions, task_rows in MEETINGS:
        meeting = Meeting.objects.create(
            body=bodies[body],
            date=_date(day),
            title=title,
            place=place,
            minutes=minutes,
            decisions=decisions,
        )
        for text, department, due, status, done in task_rows:
            Task.objects.create(
                meeting=meeting,
                text=text,
                department=departments[department],
                due_date=_date(due),
                status=status,
                done_date=_date(done),
            )
            tasks += 1
    # The latest meeting and its tasks are dated from the demo's own date (benxi_cp/clock.py),
    # not from the day the demo is loaded: they stand among the programme's 2001 meetings.
    today = clock.DEMO_TODAY
    body, offset, title, place, minutes, decisions, task_rows = LATEST
    meeting = Meeting.objects.create(
        body=bodies[body],
        date=today + datetime.timedelta(days=offset),
        title=title,
        place=place,
        minutes=minutes,
        decisions=decisions,
    )
    for text, department, due_in in task_rows:
        Task.objects.create(
            meeting=meeting,
            text=text,
            department=departments[department],
            due_date=today + datetime.timedelta(days=due_in),
        )
        tasks += 1
    for username, department, language in PROFILES:
        user = users.get(username)
        if user is None:
            continue
        UserProfile.objects.update_or_create(
            user=user, defaults={"department": departments[department], "language": language}
        )
    # Addresses for the reminder e-mails (example.org: nothing leaves a demo server).
    for user in User.objects.filter(username__in=["admin", "epb", "epb2", "auditor", "leader"]):
        if not user.email:
            user.email = f"{user.username}@example.org"
            user.save(update_fields=["email"])
    stdout.write(
        f"Organisation: {len(bodies)} bodies, {len(MEMBERS)} members, "
        f"{len(MEETINGS) + 1} meetings, {tasks} tasks."
    )


def foreign_records(loaded: bool) -> dict[str, int]:
    """Bodies the demo did not make (their members and meetings go with them), and tasks
    given outside the demo's bodies' meetings: all of them in a database the demo was never
    loaded into."""
    bodies = Body.objects.all()
    tasks = Task.objects.all()
    if loaded:
        codes = [row[0] for row in BODIES]
        bodies = bodies.exclude(code__in=codes)
        tasks = tasks.exclude(meeting__body__code__in=codes)
    return {"bodies": bodies.count(), "tasks": tasks.count()}
