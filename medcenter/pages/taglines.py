"""Language-assistance taglines, as US hospitals publish them with their non-discrimination notice.

Each tagline is written in its own language and shown in it whatever the page's language (that
is the point of a tagline), so these strings are data, not translatable text. The wording follows
the sample taglines the HHS Office for Civil Rights published for Section 1557. The phone number
is filled in from the center's settings.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Tagline:
    lang: str
    language: str
    text: str
    rtl: bool = False


LANGUAGE_ASSISTANCE_TAGLINES = (
    Tagline(
        "es",
        "Español",
        "ATENCIÓN: si habla español, tiene a su disposición servicios gratuitos de asistencia lingüística. Llame al {phone} (TTY: {tty}).",
    ),
    Tagline(
        "zh-Hans",
        "简体中文",
        "注意：如果您使用简体中文，您可以免费获得语言援助服务。请致电 {phone}（TTY：{tty}）。",
    ),
    Tagline(
        "zh-Hant",
        "繁體中文",
        "注意：如果您使用繁體中文，您可以免費獲得語言援助服務。請致電 {phone}（TTY：{tty}）。",
    ),
    Tagline(
        "vi",
        "Tiếng Việt",
        "CHÚ Ý: Nếu bạn nói Tiếng Việt, có các dịch vụ hỗ trợ ngôn ngữ miễn phí dành cho bạn. Gọi số {phone} (TTY: {tty}).",
    ),
    Tagline(
        "ko",
        "한국어",
        "주의: 한국어를 사용하시는 경우, 언어 지원 서비스를 무료로 이용하실 수 있습니다. {phone} (TTY: {tty}) 번으로 전화해 주십시오.",
    ),
    Tagline(
        "tl",
        "Tagalog",
        "PAUNAWA: Kung nagsasalita ka ng Tagalog, maaari kang gumamit ng mga serbisyo ng tulong sa wika nang walang bayad. Tumawag sa {phone} (TTY: {tty}).",
    ),
    Tagline(
        "ru",
        "Русский",
        "ВНИМАНИЕ: если вы говорите на русском языке, вам доступны бесплатные услуги перевода. Звоните {phone} (телетайп: {tty}).",
    ),
    Tagline(
        "ar",
        "العربية",
        "ملحوظة: إذا كنت تتحدث العربية، فإن خدمات المساعدة اللغوية تتوافر لك بالمجان. اتصل برقم {phone} (رقم هاتف الصم والبكم: {tty}).",
        rtl=True,
    ),
    Tagline(
        "ht",
        "Kreyòl Ayisyen",
        "ATANSYON: Si w pale Kreyòl Ayisyen, gen sèvis èd pou lang ki disponib gratis pou ou. Rele {phone} (TTY: {tty}).",
    ),
    Tagline(
        "fr",
        "Français",
        "ATTENTION : si vous parlez français, des services d'aide linguistique vous sont proposés gratuitement. Appelez le {phone} (ATS : {tty}).",
    ),
    Tagline(
        "pt",
        "Português",
        "ATENÇÃO: se fala português, encontram-se disponíveis serviços linguísticos, grátis. Ligue para {phone} (TTY: {tty}).",
    ),
    Tagline(
        "pl",
        "Polski",
        "UWAGA: jeżeli mówisz po polsku, możesz skorzystać z bezpłatnej pomocy językowej. Zadzwoń pod numer {phone} (TTY: {tty}).",
    ),
    Tagline(
        "it",
        "Italiano",
        "ATTENZIONE: se parla italiano, sono disponibili servizi di assistenza linguistica gratuiti. Chiami il numero {phone} (TTY: {tty}).",
    ),
    Tagline(
        "de",
        "Deutsch",
        "ACHTUNG: Wenn Sie Deutsch sprechen, stehen Ihnen kostenlos sprachliche Hilfsdienstleistungen zur Verfügung. Rufnummer: {phone} (TTY: {tty}).",
    ),
    Tagline(
        "ja",
        "日本語",
        "注意事項：日本語を話される場合、無料の言語支援をご利用いただけます。{phone}（TTY：{tty}）まで、お電話にてご連絡ください。",
    ),
    Tagline(
        "fa",
        "فارسی",
        "توجه: اگر به زبان فارسی گفتگو می کنید، تسهیلات زبانی بصورت رایگان برای شما فراهم می باشد. با {phone} (TTY: {tty}) تماس بگیرید.",
        rtl=True,
    ),
)


def taglines_for(*, phone: str, tty: str) -> list[Tagline]:
    """Return the taglines with the center's language line and TTY number filled in."""
    return [
        Tagline(t.lang, t.language, t.text.format(phone=phone, tty=tty), t.rtl)
        for t in LANGUAGE_ASSISTANCE_TAGLINES
    ]
