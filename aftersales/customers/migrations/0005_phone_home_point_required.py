import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("customers", "0004_phone_home_point")]

    operations = [
        migrations.AlterField(
            model_name="customerphone",
            name="home_point",
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="accounts.servicepoint"),
        ),
    ]
