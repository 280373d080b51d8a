# Appointment capacity: plans per point, holidays and closed days, per-date overrides; the hash of
# the public invitation link. (The name comes from the first run of makemigrations in the shared
# tree, which workshop.0002_w1_board_indexes depends on.)

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('appointments', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='appointment',
            name='invite_token_hash',
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64),
        ),
        migrations.CreateModel(
            name='CapacityPlan',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('slot_minutes', models.PositiveSmallIntegerField(default=60, verbose_name='slot length (minutes)')),
                ('bays', models.PositiveSmallIntegerField(default=0, verbose_name='bays per slot')),
                ('technician_hours', models.DecimalField(decimal_places=2, default=0, max_digits=6, verbose_name='technician hours per slot')),
                ('opening_hours', models.JSONField(blank=True, default=dict, help_text="Empty: the service point's opening hours.", verbose_name='opening hours')),
                ('service_point', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='capacity_plan', to='accounts.servicepoint', verbose_name='service point')),
            ],
            options={
                'verbose_name': 'capacity plan',
                'verbose_name_plural': 'capacity plans',
                'ordering': ['service_point__path'],
            },
        ),
        migrations.CreateModel(
            name='CapacityOverride',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('date', models.DateField(verbose_name='date')),
                ('opening_hours', models.JSONField(blank=True, default=list, help_text='[["08:30", "12:00"]]; empty: closed that day.', verbose_name='opening hours')),
                ('bays', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='bays per slot')),
                ('technician_hours', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name='technician hours per slot')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
                ('service_point', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='capacity_overrides', to='accounts.servicepoint', verbose_name='service point')),
            ],
            options={
                'verbose_name': 'capacity override',
                'verbose_name_plural': 'capacity overrides',
                'ordering': ['date', 'id'],
                'constraints': [models.UniqueConstraint(fields=('service_point', 'date'), name='appt_override_point_date_uniq')],
            },
        ),
        migrations.CreateModel(
            name='Holiday',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('date', models.DateField(verbose_name='date')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('service_point', models.ForeignKey(blank=True, help_text='Empty: every service point of the company.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='holidays', to='accounts.servicepoint', verbose_name='service point')),
            ],
            options={
                'verbose_name': 'holiday or closed day',
                'verbose_name_plural': 'holidays and closed days',
                'ordering': ['date', 'id'],
                'indexes': [models.Index(fields=['date'], name='appt_holiday_date_idx')],
                'constraints': [models.UniqueConstraint(fields=('service_point', 'date'), name='appt_holiday_point_date_uniq'), models.UniqueConstraint(condition=models.Q(('service_point__isnull', True)), fields=('date',), name='appt_holiday_company_date_uniq')],
            },
        ),
    ]
