"""The exit case records the year whose income and guarantees it is judged on (issue 10, bug 5). Cases made
before this judged last year's income, so they get the year before the one they were proposed in."""

from django.db import migrations, models


def fill(apps, schema_editor):
    ExitCase = apps.get_model("households", "ExitCase")
    for case in ExitCase.objects.filter(income_year__isnull=True).only("pk", "created_at"):
        ExitCase.objects.filter(pk=case.pk).update(income_year=case.created_at.year - 1)


class Migration(migrations.Migration):
    dependencies = [("households", "0009_personal_data_permissions")]

    operations = [
        migrations.AddField(
            model_name="exitcase",
            name="income_year",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="评估年度"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="exitcase",
            name="income_year",
            field=models.PositiveSmallIntegerField(
                help_text="按哪一年的收入和两不愁三保障评估是否达到脱贫标准；批准销号时记为脱贫年度。",
                verbose_name="评估年度",
            ),
        ),
    ]
