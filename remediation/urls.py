from django.urls import path

from remediation.views import commitments, tasks

app_name = "remediation"

urlpatterns = [
    path("", tasks.task_list, name="tasks"),
    path("cua-toi/", tasks.my_tasks, name="my_tasks"),
    path("cua-toi/bang/", tasks.my_tasks_panel, name="my_tasks_panel"),
    path("danh-gia/<int:assessment_pk>/", tasks.assessment_tasks, name="assessment_tasks"),
    path("danh-gia/<int:assessment_pk>/tao-nhap/", tasks.drafts_create, name="drafts_create"),
    path("danh-gia/<int:assessment_pk>/gop/", tasks.tasks_merge, name="merge"),
    path("danh-gia/<int:assessment_pk>/giao/", tasks.tasks_assign_all, name="assign_all"),
    path("danh-gia/<int:assessment_pk>/them/", tasks.task_add, name="task_add"),
    path("<int:pk>/", tasks.task_detail, name="task"),
    path("<int:pk>/sua/", tasks.task_edit, name="task_edit"),
    path("<int:pk>/giao/", tasks.task_assign, name="task_assign"),
    path("<int:pk>/trang-thai/", tasks.task_status, name="task_status"),
    path("<int:pk>/tien-do/", tasks.task_note, name="task_note"),
    path("<int:pk>/tai-lieu/", tasks.task_file_upload, name="task_file_upload"),
    path("<int:pk>/tai-lieu/<int:file_pk>/", tasks.task_file_download, name="task_file"),
    path("<int:pk>/tai-lieu/<int:file_pk>/xoa/", tasks.task_file_remove, name="task_file_remove"),
    path("<int:pk>/xoa/", tasks.task_remove, name="task_remove"),
    path("cam-ket/", commitments.commitment_list, name="commitments"),
    path("cam-ket/<int:pk>/ket-qua/", commitments.commitment_status, name="commitment_status"),
    path("cam-ket/<int:pk>/rut/", commitments.commitment_remove, name="commitment_remove"),
]
