"""What happens in the cycle, for whoever needs to hear of it (notices, e-mails).

Sent by the services inside their transaction, so a receiver's writes commit or roll back
with the change itself; what must wait for the commit (sending e-mail) uses on_commit.
"""

from django.dispatch import Signal

# An assessment moved to a new status in the cycle: assessment, status, user.
assessment_moved = Signal()
# A round opened (or took new units): round, assessments (the new ones), user.
round_opened = Signal()
# A ranking group of a round was published (again=False) or re-published (again=True):
# round, group (its assessments now published, results frozen), again, user.
group_published = Signal()
# An open round moved to another framework: round, change (RoundFrameworkChange), assessments
# (the round's, now on the new framework), user.
round_framework_changed = Signal()
