from django.urls import path

from medcenter.giving import staff_views, views

app_name = "giving"

urlpatterns = [
    path("give/", views.give, name="give"),
    path("give/funds/<slug:fund>/", views.fund, name="fund"),
    path("give/campaigns/<slug:campaign>/", views.campaign, name="campaign"),
    path("give/thanks/<str:token>/", views.thanks, name="thanks"),
    path("give/thanks/<str:token>/receipt.pdf", views.receipt, name="receipt"),
    path("give/checkout/<str:ref>/", views.sandbox_checkout, name="sandbox_checkout"),
    path("give/donor/", views.donor_request, name="donor_request"),
    path("give/donor/<str:token>/", views.donor_page, name="donor_page"),
    path(
        "give/donor/<str:token>/receipts/<int:number>.pdf",
        views.donor_receipt,
        name="donor_receipt",
    ),
    path("give/opt-out/<str:token>/", views.opt_out, name="opt_out"),
    path("give/thank-a-caregiver/", views.caregiver_note, name="caregiver_note"),
    path("staff/giving/", staff_views.gifts, name="staff_gifts"),
    path("staff/giving/gifts/<str:gift_id>/", staff_views.gift, name="staff_gift"),
    path(
        "staff/giving/gifts/<str:gift_id>/letter.pdf",
        staff_views.tribute_letter,
        name="staff_tribute_letter",
    ),
    path("staff/giving/export.csv", staff_views.export, name="staff_export"),
    path("staff/giving/reconciliation/", staff_views.reconciliation, name="staff_reconciliation"),
    path("staff/giving/notes/", staff_views.notes, name="staff_notes"),
    path("staff/giving/fundraising/", staff_views.fundraising_list, name="staff_fundraising"),
    path("staff/giving/funds/", staff_views.funds, name="staff_funds"),
    path("staff/giving/funds/new/", staff_views.fund_new, name="staff_fund_new"),
    path("staff/giving/funds/<slug:fund>/", staff_views.fund_edit, name="staff_fund"),
    path("staff/giving/campaigns/", staff_views.campaigns, name="staff_campaigns"),
    path("staff/giving/campaigns/new/", staff_views.campaign_new, name="staff_campaign_new"),
    path(
        "staff/giving/campaigns/<slug:campaign>/",
        staff_views.campaign_edit,
        name="staff_campaign",
    ),
    path("staff/giving/matches/", staff_views.matches, name="staff_matches"),
    path(
        "staff/giving/gifts/<str:gift_id>/match/",
        staff_views.match_new,
        name="staff_match_new",
    ),
    path("staff/giving/matches/<str:match_id>/", staff_views.match_edit, name="staff_match"),
]
