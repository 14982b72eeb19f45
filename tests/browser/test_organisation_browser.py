"""The programme office records a leading-team meeting with a task in Chromium; the task shows
on its owner department's page, where that department's clerk marks it done."""

import pytest
from playwright.sync_api import expect

from programme.models import Body, Meeting, Task, UserProfile
from targets.models import Department

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_records_a_meeting_with_a_task_seen_on_the_department_page(
    login, live_server, make_user, page
):
    finance = Department.objects.create(
        code="finance", name="市财政局", name_en="Municipal Finance Bureau"
    )
    Body.objects.create(code="leading-team", kind="leading_team", name="本溪市21世纪议程领导小组")
    office_user = make_user("administrator", "li-qiang")
    clerk = make_user("epb_staff", "he-liping")
    UserProfile.objects.create(user=clerk, department=finance)

    login(office_user)
    page.goto(f"{live_server.url}/programme/bodies/leading-team/")
    page.click("#add-meeting")
    page.fill("#id_date", "2001-11-02")
    page.fill("#id_title", "2001年第二次全体会议")
    page.fill("#id_place", "市政府第一会议室")
    page.fill("#id_minutes", "听取了清洁生产专项资金使用情况的汇报。")
    page.fill("#id_decisions", "设立清洁生产专项资金\n年底前完成第二批企业审核验收")
    page.click("#submit-id-save")
    expect(page.locator("#decisions li")).to_have_count(2)
    meeting = Meeting.objects.get(title="2001年第二次全体会议")
    assert page.url.endswith(meeting.get_absolute_url())

    page.click("#add-task")
    page.fill("#id_text", "拨付第一批清洁生产专项资金")
    page.select_option("#id_department", str(finance.pk))
    page.fill("#id_due_date", "2001-12-31")
    # done without the date it was done: refused with the rule's message
    page.select_option("#id_status", "done")
    page.click("#submit-id-save")
    expect(
        page.locator("#div_id_done_date, .alert-danger, .invalid-feedback").first
    ).to_be_visible()
    assert not Task.objects.exists()
    page.select_option("#id_status", "open")
    page.click("#submit-id-save")
    expect(page.locator("#tasks")).to_contain_text("拨付第一批清洁生产专项资金")
    task = Task.objects.get()
    assert task.meeting == meeting and task.department == finance and task.status == "open"

    # the finance bureau's page lists it, overdue (its due date is long past)
    page.goto(f"{live_server.url}{finance.get_absolute_url()}")
    tasks = page.locator("#department-tasks")
    expect(tasks).to_contain_text("拨付第一批清洁生产专项资金")
    expect(tasks.locator(".task-overdue").first).to_be_visible()

    # the bureau's clerk sees it on the same page and marks it done
    page.context.clear_cookies()
    login(clerk)
    page.goto(f"{live_server.url}{finance.get_absolute_url()}")
    page.locator("#department-tasks a", has_text="拨付第一批清洁生产专项资金").click()
    page.fill("#done-note", "已拨付")
    page.click("#task-done-button")
    expect(page.locator("#task-done-form")).to_have_count(0)
    task.refresh_from_db()
    assert task.status == "done" and task.note == "已拨付" and task.updated_by == clerk
    page.goto(f"{live_server.url}{finance.get_absolute_url()}")
    expect(page.locator("#department-tasks")).not_to_contain_text("拨付第一批清洁生产专项资金")
