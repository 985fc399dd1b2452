"""The landing, the gallery, robots.txt and the sitemap (ui.md §4.2, §4.3, §4.10)."""

import pytest
from django.utils import timezone

from projects.models import EvidenceCategory, ProjectStatus
from projects.tests.factories import add_evidence, make_project

pytestmark = pytest.mark.django_db


def _published_pair(*, location: str = "Vilniaus raj.", featured: bool = False) -> None:
    project = make_project(status=ProjectStatus.CERTIFIED, marketing_consent=True, marketing_consent_at=timezone.now())
    add_evidence(project, EvidenceCategory.SITE_BEFORE, show_on_web=True, location_tag=location)
    add_evidence(
        project, EvidenceCategory.EXPERT_CERTIFICATION, show_on_web=True, location_tag=location, is_featured=featured
    )


def test_landing_shows_every_section_in_lithuanian(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Profesionalus vejos įrengimas su premium kokybės eiga nuo pirmo žingsnio",
        "Profesionalus vejos įrengimas ir sklypo tvarkymas",
        "Kaip vyksta profesionalus vejos įrengimas",
        "5 aiškūs žingsniai nuo prisijungimo iki galutinio perdavimo",
        "Orientacinė kaina per 2 minutes",
        "Kas įtraukiama į orientacinę kainą?",
        "Kodėl galite mumis pasitikėti",
        "Procesiniai įrodymai, o ne tušti pažadai.",
        "Gaukite pasiūlymą ir preliminarią kainą",
        "Kaip galime padėti?",
        "+370 658 49514",
        "info@vejapro.lt",
        "I–V: 8:00 – 18:00",  # noqa: RUF001 - the hours exactly as ui.md §4 writes them
        "UAB VejaPRO. Visos teisės saugomos.",
        "Gauti pasiūlymą",
    ):
        assert text in page, text
    assert "<script>" not in page
    assert "<style" not in page
    assert "style=" not in page
    assert response["Cache-Control"] == "public, max-age=300"
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_landing_hides_the_work_examples_without_the_marketing_module(client, settings):
    settings.ENABLE_MARKETING_MODULE = False
    assert "Mūsų darbų pavyzdžiai" not in client.get("/").content.decode()


def test_landing_shows_featured_work_examples(client, settings):
    settings.ENABLE_MARKETING_MODULE = True
    _published_pair(featured=True)
    page = client.get("/").content.decode()
    assert "Mūsų darbų pavyzdžiai" in page
    assert "Išskirtinis" in page
    assert "Peržiūrėti prieš / po" in page


def test_landing_empty_work_examples(client, settings):
    settings.ENABLE_MARKETING_MODULE = True
    assert "Darbų pavyzdžiai bus čia netrukus." in client.get("/").content.decode()


def test_gallery_is_404_without_the_marketing_module(client, settings):
    settings.ENABLE_MARKETING_MODULE = False
    assert client.get("/gallery").status_code == 404


def test_gallery_tiles_filters_and_paging(client, settings, django_assert_num_queries):
    settings.ENABLE_MARKETING_MODULE = True
    for _ in range(25):
        _published_pair(location="Vilniaus raj.")
    _published_pair(location="Kauno raj.", featured=True)
    with django_assert_num_queries(2):
        response = client.get("/gallery")
    page = response.content.decode()
    assert "Mūsų projektų galerija" in page
    assert page.count('class="gallery-card"') == 24
    assert 'loading="lazy"' in page
    assert "<strong>26</strong>Projektų" in page
    assert "<strong>1</strong>Išskirtiniai" in page
    assert "<strong>2</strong>Regionai" in page
    assert "Visi projektai" in page
    assert "Kauno raj." in page
    assert "Įkelti daugiau" in page
    next_url = page.split("data-load-more")[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    second = client.get(next_url).content.decode()
    assert second.count('class="gallery-card"') == 2
    assert "Įkelti daugiau" not in second
    featured = client.get("/gallery?isskirtiniai=1").content.decode()
    assert featured.count('class="gallery-card"') == 1
    assert client.get("/gallery?vietove=Kauno+raj.").content.decode().count('class="gallery-card"') == 1


def test_gallery_empty_filter(client, settings):
    settings.ENABLE_MARKETING_MODULE = True
    page = client.get("/gallery?vietove=Niekur").content.decode()
    assert "Projektų nerasta" in page
    assert "Šiuo metu nėra projektų pagal pasirinktą filtrą." in page
    assert "Išvalyti filtrus" in page


def test_robots_and_sitemap(client, settings):
    settings.PUBLIC_BASE_URL = "https://vejapro.lt"
    settings.ENABLE_MARKETING_MODULE = True
    robots = client.get("/robots.txt").content.decode()
    for path in ("/admin", "/client", "/contractor", "/expert", "/login", "/register", "/api/"):
        assert f"Disallow: {path}\n" in robots
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "<loc>https://vejapro.lt/</loc>" in sitemap
    assert "<loc>https://vejapro.lt/gallery</loc>" in sitemap


def test_logo_and_font_are_committed():
    from django.conf import settings as django_settings

    static = django_settings.BASE_DIR / "static"
    assert (static / "logo.png").is_file()
    assert (static / "portals" / "fonts" / "dm-sans-latin-ext-400-normal.woff2").is_file()


def test_footer_language_switch_gives_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    page = response.content.decode()
    assert "Professional lawn installation with a premium-quality process from the very first step" in page
    assert '<html lang="en">' in page
