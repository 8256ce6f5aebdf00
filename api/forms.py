from django import forms


class NewTokenForm(forms.Form):
    name = forms.CharField(
        label="Tên gợi nhớ của khóa",
        max_length=80,
        help_text="Ví dụ: Phần mềm quản lý đảng viên của Văn phòng.",
        error_messages={"required": "Hãy đặt tên cho khóa để sau này phân biệt.", "max_length": "Tên tối đa 80 ký tự."},
    )
