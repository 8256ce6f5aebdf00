from django import forms
from django.utils.translation import gettext_lazy


class NewTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Tên gợi nhớ của khóa"),
        max_length=80,
        help_text=gettext_lazy("Ví dụ: Phần mềm quản lý đảng viên của Văn phòng."),
        error_messages={
            "required": gettext_lazy("Hãy đặt tên cho khóa để sau này phân biệt."),
            "max_length": gettext_lazy("Tên tối đa 80 ký tự."),
        },
    )
