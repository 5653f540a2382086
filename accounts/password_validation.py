"""Password rules beyond Django's own (等保2.0 身份鉴别: complexity)."""

import re

from django.core.exceptions import ValidationError

CLASSES = (
    (re.compile(r"[a-z]"), "小写字母"),
    (re.compile(r"[A-Z]"), "大写字母"),
    (re.compile(r"[0-9]"), "数字"),
    (re.compile(r"[^a-zA-Z0-9]"), "符号"),
)


class CharacterClassesValidator:
    """At least `min_classes` of: lower-case letters, upper-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: object = None) -> None:
        found = [name for pattern, name in CLASSES if pattern.search(password)]
        if len(found) < self.min_classes:
            raise ValidationError(
                f"密码须包含小写字母、大写字母、数字、符号中的至少 {self.min_classes} 类（现在只有 {len(found)} 类）。",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return f"密码须包含小写字母、大写字母、数字、符号中的至少 {self.min_classes} 类。"


class UsernameNotContainedValidator:
    """The username (3 characters or more) may not appear in the password, in any case. Django's similarity
    check compares whole strings and lets `Alice-2026-town` through for the user alice."""

    def validate(self, password: str, user: object = None) -> None:
        username = (getattr(user, "username", "") or "").lower()
        if len(username) >= 3 and username in password.lower():
            raise ValidationError("密码不能包含用户名。", code="password_contains_username")

    def get_help_text(self) -> str:
        return "密码不能包含用户名。"
