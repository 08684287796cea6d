"""Controlled vocabularies: stable codes with English, Azerbaijani and Russian labels.

Where a term matches a HURIDOCS Events Standard Formats micro-thesaurus term, its code is kept
in `Term.huridocs`; docs/vocabularies.md lists every term and where each HURIDOCS code comes from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from habeas.errors import UnknownTerm

#: Languages that have a label slot on every term; any other language falls back to English.
LANGUAGES: tuple[str, ...] = ("en", "az", "ru")


@dataclass(frozen=True)
class Term:
    """One entry of a vocabulary: a code that never changes once published, and its labels."""

    code: str
    en: str
    az: str | None = None
    ru: str | None = None
    huridocs: str | None = None

    def label(self, lang: str = "en") -> str:
        """The label in `lang`, or the English one where that slot is empty or the language unknown."""
        if lang == "az" and self.az:
            return self.az
        if lang == "ru" and self.ru:
            return self.ru
        return self.en


@dataclass(frozen=True)
class Vocabulary:
    """A named, ordered set of terms; codes are unique within it."""

    name: str
    description: str
    terms: tuple[Term, ...]
    huridocs_thesaurus: str | None = None
    _index: Mapping[str, Term] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.terms:
            raise ValueError(f"vocabulary {self.name!r} has no terms")
        index: dict[str, Term] = {}
        for term in self.terms:
            if term.code in index:
                raise ValueError(f"vocabulary {self.name!r} repeats the code {term.code!r}")
            index[term.code] = term
        object.__setattr__(self, "_index", MappingProxyType(index))

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._index

    def codes(self) -> tuple[str, ...]:
        """Every code, in the vocabulary's order."""
        return tuple(term.code for term in self.terms)

    def get(self, code: str) -> Term:
        """The term with this code; UnknownTerm when there is none."""
        if code not in self:
            raise UnknownTerm(self.name, code, self.name, self.codes())
        return self._index[code]

    def check(self, code: str, field: str | None = None) -> str:
        """Return `code` unchanged if it belongs here; otherwise raise UnknownTerm naming `field`."""
        if code not in self:
            raise UnknownTerm(field or self.name, code, self.name, self.codes())
        return code

    def label(self, code: str, lang: str = "en") -> str:
        """The label of `code` in `lang`, falling back to English where no label is given."""
        return self.get(code).label(lang)


# HURIDOCS ESF micro-thesauri used below (numbers and names as in HURIDOCS' OpenEvSys,
# schema/mysql-dbpopulate-help.sql; term codes from schema/mysql-dbpopulate-mt.sql).
_MT_TYPES_OF_ACTS = "ESF Micro-thesaurus 04: Types of Acts"
_MT_TYPES_OF_SOURCE_MATERIAL = "ESF Micro-thesaurus 16: Types of Source Material"
_MT_SOURCE_CONNECTION = "ESF Micro-thesaurus 19: Source Connection to Information"
_MT_TYPES_OF_INTERVENTION = "ESF Micro-thesaurus 20: Types of Intervention"
_MT_TYPES_OF_RELATIONSHIPS = "ESF Micro-thesaurus 21: Types of Relationships"
_MT_RELEVANT_CHARACTERISTICS = "ESF Micro-thesaurus 23: Relevant Characteristics"
_MT_TYPES_OF_RESPONSES = "ESF Micro-thesaurus 27: Types of Responses"
_MT_TYPES_OF_DETENTION = "ESF Micro-thesaurus 29: Types of Detention"
_MT_WHEREABOUTS = "ESF Micro-thesaurus 30: Whereabouts and Outside Contact during Detention"
_MT_LEGAL_COUNSEL = "ESF Micro-thesaurus 31: Legal Counsel"
_MT_MEDICAL_ATTENTION = "ESF Micro-thesaurus 37: Medical Attention"
_MT_SEX = "ESF Micro-thesaurus 39: Sex"
_MT_RELIABILITY = "ESF Micro-thesaurus 42: Reliability"
_MT_TYPES_OF_DATES = "ESF Micro-thesaurus 48: Types of Dates"


_ALL: tuple[Vocabulary, ...] = (
    Vocabulary(
        name="visibility",
        description="Who may see a record: anyone, the team and trusted partners, or named people only.",
        terms=(
            Term("public", "Public", az="Açıq", ru="Открытый"),
            Term("restricted", "Restricted", az="Məhdud giriş", ru="Ограниченный доступ"),
            Term("confidential", "Confidential", az="Məxfi", ru="Конфиденциальный"),
        ),
    ),
    Vocabulary(
        name="group",
        description="Groups a person belongs to that may explain why they were targeted.",
        huridocs_thesaurus=_MT_RELEVANT_CHARACTERISTICS,
        terms=(
            Term("journalist", "Journalist", az="Jurnalist", ru="Журналист", huridocs="010309"),
            Term("blogger", "Blogger", az="Bloqer", ru="Блогер", huridocs="010309"),
            Term(
                "human_rights_defender",
                "Human rights defender",
                az="Hüquq müdafiəçisi",
                ru="Правозащитник",
                huridocs="010303",
            ),
            Term(
                "opposition_party_member",
                "Member of an opposition party",
                az="Müxalifət partiyasının üzvü",
                ru="Член оппозиционной партии",
                huridocs="0101",
            ),
            Term(
                "civil_society_activist",
                "Civil society activist",
                az="Vətəndaş cəmiyyəti fəalı",
                ru="Гражданский активист",
                huridocs="050202",
            ),
            Term(
                "peaceful_protester",
                "Peaceful protester",
                az="Dinc etiraz iştirakçısı",
                ru="Участник мирного протеста",
                huridocs="0601",
            ),
            Term("religious_believer", "Religious believer", az="Dindar", ru="Верующий", huridocs="010307"),
            Term(
                "national_minority_activist",
                "Activist of a national minority",
                az="Milli azlıq fəalı",
                ru="Активист национального меньшинства",
                huridocs="0301",
            ),
            Term(
                "anti_war_activist",
                "Anti-war activist",
                az="Müharibə əleyhinə fəal",
                ru="Антивоенный активист",
                huridocs="010304",
            ),
            Term("academic", "Academic or scholar", az="Alim", ru="Учёный"),
            Term("lawyer", "Lawyer", az="Vəkil", ru="Адвокат"),
            Term(
                "relative_of_critic",
                "Relative of a government critic",
                az="Hökumət tənqidçisinin qohumu",
                ru="Родственник критика власти",
                huridocs="050101",
            ),
            Term("other", "Other", az="Digər", ru="Другое", huridocs="90"),
        ),
    ),
    Vocabulary(
        name="custody_kind",
        description="The form a deprivation or restriction of liberty takes.",
        huridocs_thesaurus=_MT_TYPES_OF_DETENTION,
        terms=(
            Term(
                "administrative_detention",
                "Administrative detention",
                az="İnzibati həbs",
                ru="Административный арест",
                huridocs="01",
            ),
            Term(
                "pre_trial_detention",
                "Pre-trial detention",
                az="Həbs qətimkan tədbiri",
                ru="Содержание под стражей до суда",
            ),
            Term("house_arrest", "House arrest", az="Ev dustaqlığı", ru="Домашний арест"),
            Term("police_supervision", "Police supervision", az="Polis nəzarəti", ru="Полицейский надзор"),
            Term("imprisonment", "Imprisonment", az="Azadlıqdan məhrum etmə", ru="Лишение свободы"),
            Term(
                "psychiatric_confinement",
                "Psychiatric confinement",
                az="Məcburi psixiatrik yerləşdirmə",
                ru="Принудительная психиатрическая госпитализация",
            ),
            Term("travel_ban", "Travel ban", az="Ölkədən çıxış qadağası", ru="Запрет на выезд"),
            Term("exile", "Exile", az="Sürgün", ru="Изгнание"),
        ),
    ),
    Vocabulary(
        name="event_type",
        description="What happened to a person or organisation on a given date.",
        huridocs_thesaurus=_MT_TYPES_OF_ACTS,
        terms=(
            Term("arrest", "Arrest", az="Həbs", ru="Задержание", huridocs="030101"),
            Term("search", "Search", az="Axtarış", ru="Обыск", huridocs="040101"),
            Term(
                "charge_brought",
                "Charge brought",
                az="İttihamın irəli sürülməsi",
                ru="Предъявление обвинения",
            ),
            Term(
                "remand_hearing",
                "Remand hearing",
                az="Qətimkan tədbiri üzrə məhkəmə iclası",
                ru="Заседание об избрании меры пресечения",
            ),
            Term(
                "detention_extended",
                "Detention extended",
                az="Həbs müddətinin uzadılması",
                ru="Продление срока содержания под стражей",
                huridocs="03010202",
            ),
            Term("trial_hearing", "Trial hearing", az="Məhkəmə iclası", ru="Судебное заседание"),
            Term("verdict", "Verdict", az="Hökm", ru="Приговор"),
            Term(
                "appeal_hearing",
                "Appeal hearing",
                az="Apellyasiya iclası",
                ru="Заседание апелляционной инстанции",
            ),
            Term(
                "appeal_ruling",
                "Appeal ruling",
                az="Apellyasiya qərarı",
                ru="Решение апелляционной инстанции",
            ),
            Term(
                "cassation_hearing",
                "Cassation hearing",
                az="Kassasiya iclası",
                ru="Заседание кассационной инстанции",
            ),
            Term(
                "cassation_ruling",
                "Cassation ruling",
                az="Kassasiya qərarı",
                ru="Решение кассационной инстанции",
            ),
            Term(
                "pardon_or_amnesty",
                "Pardon or amnesty",
                az="Əfv və ya amnistiya",
                ru="Помилование или амнистия",
            ),
            Term("release", "Release", az="Azad edilmə", ru="Освобождение"),
            Term(
                "transfer",
                "Transfer to another place of detention",
                az="Başqa saxlanma yerinə köçürülmə",
                ru="Перевод в другое место заключения",
            ),
            Term(
                "ill_treatment_alleged",
                "Ill-treatment alleged",
                az="Pis rəftar barədə iddia",
                ru="Заявление о жестоком обращении",
            ),
            Term("hunger_strike", "Hunger strike", az="Aclıq aksiyası", ru="Голодовка"),
            Term(
                "medical_care_denied",
                "Medical care denied",
                az="Tibbi yardım göstərilməməsi",
                ru="Отказ в медицинской помощи",
                huridocs="530107",
            ),
            Term(
                "family_contact_denied",
                "Contact with family denied",
                az="Ailə ilə əlaqəyə icazə verilməməsi",
                ru="Отказ в контакте с семьёй",
            ),
            Term(
                "lawyer_access_denied",
                "Access to a lawyer denied",
                az="Vəkillə görüşə icazə verilməməsi",
                ru="Отказ в доступе к адвокату",
                huridocs="350113",
            ),
            Term(
                "monitor_access_denied",
                "Access for monitors denied",
                az="Müşahidəçilərin buraxılmaması",
                ru="Отказ в доступе наблюдателям",
            ),
            Term(
                "travel_ban_imposed",
                "Travel ban imposed",
                az="Ölkədən çıxış qadağasının qoyulması",
                ru="Наложение запрета на выезд",
                huridocs="050106",
            ),
            Term(
                "travel_ban_lifted",
                "Travel ban lifted",
                az="Ölkədən çıxış qadağasının götürülməsi",
                ru="Снятие запрета на выезд",
            ),
            Term("assets_frozen", "Assets frozen", az="Aktivlərin dondurulması", ru="Замораживание активов"),
            Term(
                "smear_campaign",
                "Smear campaign",
                az="Qaralama kampaniyası",
                ru="Кампания по дискредитации",
                huridocs="140101",
            ),
            Term("dismissal", "Dismissal from work", az="İşdən çıxarılma", ru="Увольнение"),
            Term(
                "deportation_or_extradition",
                "Deportation or extradition",
                az="Deportasiya və ya ekstradisiya",
                ru="Депортация или экстрадиция",
                huridocs="330101",
            ),
            Term(
                "organisation_closed",
                "Organisation closed",
                az="Təşkilatın bağlanması",
                ru="Закрытие организации",
                huridocs="120103",
            ),
            Term(
                "death_in_custody",
                "Death in custody",
                az="Həbsdə ölüm",
                ru="Смерть под стражей",
                huridocs="01010601",
            ),
        ),
    ),
    Vocabulary(
        name="participant_role",
        description="The part a person played in an event.",
        huridocs_thesaurus=_MT_SOURCE_CONNECTION,
        terms=(
            Term("victim", "Victim", az="Zərərçəkmiş", ru="Пострадавший", huridocs="0101"),
            Term("perpetrator", "Perpetrator", az="Pozuntunu törədən", ru="Нарушитель", huridocs="0103"),
            Term("judge", "Judge", az="Hakim", ru="Судья"),
            Term("prosecutor", "Prosecutor", az="Prokuror", ru="Прокурор"),
            Term("investigator", "Investigator", az="Müstəntiq", ru="Следователь"),
            Term("lawyer", "Lawyer", az="Vəkil", ru="Адвокат", huridocs="0401"),
            Term("witness", "Witness", az="Şahid", ru="Свидетель", huridocs="0102"),
            Term("monitor", "Monitor (trial or prison observer)", az="Müşahidəçi", ru="Наблюдатель"),
        ),
    ),
    Vocabulary(
        name="relationship_type",
        description="How two people are related, as far as it matters to a case.",
        huridocs_thesaurus=_MT_TYPES_OF_RELATIONSHIPS,
        terms=(
            Term("spouse", "Spouse", az="Həyat yoldaşı", ru="Супруг(а)", huridocs="010101"),
            Term("parent", "Parent", az="Valideyn", ru="Родитель", huridocs="010103"),
            Term("child", "Child", az="Övlad", ru="Ребёнок", huridocs="010104"),
            Term(
                "sibling",
                "Brother or sister",
                az="Bacı və ya qardaş",
                ru="Брат или сестра",
                huridocs="010102",
            ),
            Term("relative", "Other relative", az="Qohum", ru="Родственник", huridocs="010105"),
            Term("lawyer_of", "Lawyer of", az="Vəkili", ru="Адвокат", huridocs="01060201"),
            Term("colleague", "Colleague", az="Həmkar", ru="Коллега"),
            Term(
                "co_defendant",
                "Co-defendant in the same case",
                az="Eyni işdə birgə təqsirləndirilən",
                ru="Сообвиняемый",
            ),
        ),
    ),
    Vocabulary(
        name="charge_status",
        description="Where a criminal or administrative charge stands.",
        terms=(
            Term("pending", "Pending", az="Baxılır", ru="На рассмотрении"),
            Term("convicted", "Convicted", az="Məhkum edilib", ru="Осуждён"),
            Term("acquitted", "Acquitted", az="Bəraət alıb", ru="Оправдан"),
            Term("dropped", "Dropped", az="İttiham götürülüb", ru="Обвинение снято"),
            Term(
                "requalified",
                "Requalified under another article",
                az="Başqa maddə ilə yenidən tövsif edilib",
                ru="Переквалифицировано",
            ),
        ),
    ),
    Vocabulary(
        name="pace_criterion",
        description=(
            "The grounds of PACE Resolution 1900 (2012), paragraph 3, a. to e., on which a detained "
            "person is to be regarded as a political prisoner."
        ),
        terms=(
            Term(
                "fundamental_guarantee_violated",
                "(a) Held in breach of a fundamental Convention freedom, such as expression or assembly",
                az=(
                    "(a) Konvensiyanın əsas azadlıqlarından biri, məsələn, ifadə "
                    "və ya toplaşma azadlığı pozularaq saxlanılır"
                ),
                ru=(
                    "(a) Содержится в нарушение основной свободы по Конвенции, "
                    "например свободы выражения мнений или собраний"
                ),
            ),
            Term(
                "purely_political_no_offence",
                "(b) Held for purely political reasons, with no offence at all",
                az="(b) Heç bir hüquqpozma olmadan, sırf siyasi səbəblərə görə saxlanılır",
                ru="(b) Содержится по чисто политическим причинам, без какого-либо правонарушения",
            ),
            Term(
                "disproportionate_for_political_motives",
                "(c) Political motives made its length or conditions clearly disproportionate to the offence",
                az=(
                    "(c) Siyasi motivlər ucbatından həbsin müddəti və ya "
                    "şərtləri əmələ açıq-aşkar qeyri-mütənasibdir"
                ),
                ru=(
                    "(c) Из-за политических мотивов срок или условия "
                    "содержания явно несоразмерны правонарушению"
                ),
            ),
            Term(
                "discriminatory",
                "(d) Held, for political motives, in a way that discriminates against them",
                az="(d) Siyasi motivlərlə, ayrı-seçkiliyə məruz qalaraq saxlanılır",
                ru="(d) Содержится по политическим мотивам дискриминационным образом",
            ),
            Term(
                "unfair_proceedings_political",
                "(e) Held after clearly unfair proceedings that appear linked to political motives",
                az=(
                    "(e) Siyasi motivlərlə bağlı görünən açıq-aşkar "
                    "ədalətsiz məhkəmə prosesindən sonra saxlanılır"
                ),
                ru=(
                    "(e) Содержится после явно несправедливого разбирательства, "
                    "по-видимому связанного с политическими мотивами"
                ),
            ),
        ),
    ),
    Vocabulary(
        name="assessment_conclusion",
        description="The conclusion of an assessment of a person's case.",
        terms=(
            Term(
                "political_prisoner", "Political prisoner", az="Siyasi məhbus", ru="Политический заключённый"
            ),
            Term(
                "politically_persecuted",
                "Politically persecuted",
                az="Siyasi təqibə məruz qalan",
                ru="Политически преследуемый",
            ),
            Term(
                "not_political_prisoner",
                "Not a political prisoner",
                az="Siyasi məhbus deyil",
                ru="Не является политическим заключённым",
            ),
            Term("under_review", "Under review", az="Araşdırılır", ru="На рассмотрении"),
        ),
    ),
    Vocabulary(
        name="source_kind",
        description="What kind of document or testimony a source is.",
        huridocs_thesaurus=_MT_TYPES_OF_SOURCE_MATERIAL,
        terms=(
            Term("report", "Report", az="Hesabat", ru="Доклад"),
            Term("news", "News item", az="Xəbər", ru="Новость", huridocs="140523191601"),
            Term(
                "court_document",
                "Court document",
                az="Məhkəmə sənədi",
                ru="Судебный документ",
                huridocs="031521182001",
            ),
            Term("interview", "Interview", az="Müsahibə", ru="Интервью", huridocs="091420051801"),
            Term(
                "official_statement",
                "Official statement",
                az="Rəsmi bəyanat",
                ru="Официальное заявление",
                huridocs="161805191901",
            ),
            Term(
                "social_media",
                "Social media post",
                az="Sosial mediada paylaşım",
                ru="Публикация в социальных сетях",
            ),
            Term("other", "Other", az="Digər", ru="Другое"),
        ),
    ),
    Vocabulary(
        name="reliability",
        description="How reliable a source is in general (admiralty / NATO source grading, A to F).",
        huridocs_thesaurus=_MT_RELIABILITY,
        terms=(
            Term("A", "Completely reliable", az="Tam etibarlı", ru="Полностью надёжный", huridocs="01"),
            Term("B", "Usually reliable", az="Adətən etibarlı", ru="Обычно надёжный", huridocs="02"),
            Term(
                "C", "Fairly reliable", az="Kifayət qədər etibarlı", ru="Достаточно надёжный", huridocs="03"
            ),
            Term(
                "D", "Not usually reliable", az="Adətən etibarlı deyil", ru="Обычно ненадёжный", huridocs="04"
            ),
            Term("E", "Unreliable", az="Etibarsız", ru="Ненадёжный", huridocs="05"),
            Term(
                "F",
                "Reliability cannot be judged",
                az="Etibarlılığı qiymətləndirmək mümkün deyil",
                ru="Надёжность невозможно оценить",
                huridocs="99",
            ),
        ),
    ),
    Vocabulary(
        name="credibility",
        description="How credible one piece of information is (admiralty / NATO grading, 1 to 6).",
        huridocs_thesaurus=_MT_RELIABILITY,
        terms=(
            Term(
                "1",
                "Confirmed by other sources",
                az="Digər mənbələrlə təsdiqlənib",
                ru="Подтверждено другими источниками",
                huridocs="01",
            ),
            Term("2", "Probably true", az="Yəqin ki, doğrudur", ru="Вероятно, правда", huridocs="02"),
            Term("3", "Possibly true", az="Doğru ola bilər", ru="Возможно, правда", huridocs="03"),
            Term("4", "Doubtful", az="Şübhəlidir", ru="Сомнительно", huridocs="04"),
            Term("5", "Improbable", az="Çətin ki, doğrudur", ru="Маловероятно", huridocs="05"),
            Term(
                "6",
                "Truth cannot be judged",
                az="Doğruluğunu qiymətləndirmək mümkün deyil",
                ru="Достоверность невозможно оценить",
                huridocs="99",
            ),
        ),
    ),
    Vocabulary(
        name="organisation_kind",
        description="What kind of body an organisation is.",
        terms=(
            Term("media_outlet", "Media outlet", az="Media qurumu", ru="СМИ"),
            Term("ngo", "Non-governmental organisation", az="QHT", ru="НКО"),
            Term("political_party", "Political party", az="Siyasi partiya", ru="Политическая партия"),
            Term("movement", "Movement", az="Hərəkat", ru="Движение"),
            Term("religious_community", "Religious community", az="Dini icma", ru="Религиозная община"),
            Term("court", "Court", az="Məhkəmə", ru="Суд"),
            Term("detention_facility", "Place of detention", az="Saxlanma yeri", ru="Место заключения"),
            Term("state_body", "State body", az="Dövlət orqanı", ru="Государственный орган"),
            Term("other", "Other", az="Digər", ru="Другое"),
        ),
    ),
    Vocabulary(
        name="organisation_status",
        description="Whether an organisation can still work, and where.",
        terms=(
            Term("active", "Active", az="Fəaliyyət göstərir", ru="Действует"),
            Term("closed", "Closed", az="Bağlanıb", ru="Закрыта"),
            Term(
                "in_exile", "Working in exile", az="Mühacirətdə fəaliyyət göstərir", ru="Работает в эмиграции"
            ),
            Term("liquidated", "Liquidated", az="Ləğv edilib", ru="Ликвидирована"),
        ),
    ),
    Vocabulary(
        name="intervention_kind",
        description="What a monitoring organisation did on a person's behalf.",
        huridocs_thesaurus=_MT_TYPES_OF_INTERVENTION,
        terms=(
            Term(
                "prison_visit_request",
                "Request to visit a place of detention",
                az="Saxlanma yerinə baş çəkmək üçün müraciət",
                ru="Запрос на посещение места заключения",
            ),
            Term(
                "hearing_attendance_request",
                "Request to attend a hearing",
                az="Məhkəmə iclasında iştirak üçün müraciət",
                ru="Запрос на присутствие на заседании",
            ),
            Term(
                "appeal_to_authorities",
                "Appeal to the authorities",
                az="Hakimiyyət orqanlarına müraciət",
                ru="Обращение к властям",
            ),
            Term(
                "un_communication",
                "Communication to a UN mechanism",
                az="BMT mexanizminə müraciət",
                ru="Обращение в механизмы ООН",
            ),
            Term(
                "statement",
                "Public statement",
                az="İctimai bəyanat",
                ru="Публичное заявление",
                huridocs="0104",
            ),
            Term("other", "Other", az="Digər", ru="Другое", huridocs="90"),
        ),
    ),
    Vocabulary(
        name="intervention_response",
        description="How the addressee of an intervention answered.",
        huridocs_thesaurus=_MT_TYPES_OF_RESPONSES,
        terms=(
            Term("pending", "Awaiting an answer", az="Cavab gözlənilir", ru="Ожидается ответ"),
            Term("granted", "Granted", az="Təmin edilib", ru="Удовлетворено", huridocs="01"),
            Term("refused", "Refused", az="Rədd edilib", ru="Отказано", huridocs="03"),
            Term("no_answer", "No answer", az="Cavab verilməyib", ru="Нет ответа", huridocs="06"),
        ),
    ),
    Vocabulary(
        name="monitoring_outcome",
        description="What happened when a monitor tried to observe a hearing.",
        terms=(
            Term("attended", "Attended", az="İştirak edib", ru="Присутствовал"),
            Term("refused_entry", "Refused entry", az="İçəri buraxılmayıb", ru="Не допущен"),
            Term(
                "closed_hearing",
                "Hearing closed to the public",
                az="Qapalı məhkəmə iclası",
                ru="Закрытое заседание",
            ),
            Term("postponed", "Hearing postponed", az="İclas təxirə salınıb", ru="Заседание отложено"),
        ),
    ),
    Vocabulary(
        name="name_script",
        description="The writing system of a name, as an ISO 15924 code.",
        terms=(
            Term("Latn", "Latin", az="Latın əlifbası", ru="Латиница"),
            Term("Cyrl", "Cyrillic", az="Kiril əlifbası", ru="Кириллица"),
            Term("Arab", "Arabic", az="Ərəb əlifbası", ru="Арабское письмо"),
        ),
    ),
    Vocabulary(
        name="name_kind",
        description="How a name relates to the person.",
        terms=(
            Term(
                "native",
                "Name as written in the person's own language",
                az="Şəxsin öz dilində yazılış",
                ru="Имя на родном языке",
            ),
            Term("transliteration", "Transliteration", az="Transliterasiya", ru="Транслитерация"),
            Term("alias", "Alias or pseudonym", az="Ləqəb və ya təxəllüs", ru="Псевдоним"),
            Term("former", "Former name", az="Əvvəlki ad", ru="Прежнее имя"),
        ),
    ),
    Vocabulary(
        name="sex",
        description="A person's sex, as recorded.",
        huridocs_thesaurus=_MT_SEX,
        terms=(
            Term("female", "Female", az="Qadın", ru="Женский", huridocs="02"),
            Term("male", "Male", az="Kişi", ru="Мужской", huridocs="01"),
            Term("other", "Other", az="Digər", ru="Другое"),
            Term("unknown", "Unknown", az="Naməlum", ru="Неизвестно", huridocs="99"),
        ),
    ),
    Vocabulary(
        name="date_precision",
        description="How much of a date is known, and how sure it is.",
        huridocs_thesaurus=_MT_TYPES_OF_DATES,
        terms=(
            Term("exact", "Exact day", az="Dəqiq tarix", ru="Точная дата"),
            Term(
                "month",
                "Month known, day unknown",
                az="Ay məlumdur, gün məlum deyil",
                ru="Известны месяц и год",
                huridocs="02",
            ),
            Term(
                "year",
                "Year known, month and day unknown",
                az="Yalnız il məlumdur",
                ru="Известен только год",
                huridocs="03",
            ),
            Term("approximate", "Approximate (estimated)", az="Təxmini", ru="Приблизительно", huridocs="01"),
            Term(
                "uncertain",
                "Uncertain (sources disagree or are doubtful)",
                az="Qeyri-müəyyən (mənbələr fərqlidir və ya şübhəlidir)",
                ru="Не установлено точно",
            ),
            Term("unknown", "Unknown", az="Naməlum", ru="Неизвестно"),
        ),
    ),
    Vocabulary(
        name="outside_contact",
        description="Whether a detained person's whereabouts are known and who may reach them.",
        huridocs_thesaurus=_MT_WHEREABOUTS,
        terms=(
            Term(
                "family_contact_denied",
                "Contact with family denied",
                az="Ailə ilə əlaqəyə icazə verilmir",
                ru="Отказ в контакте с семьёй",
                huridocs="01010201",
            ),
            Term(
                "lawyer_access_denied",
                "Access to a lawyer denied",
                az="Vəkillə görüşə icazə verilmir",
                ru="Отказ в доступе к адвокату",
                huridocs="01010202",
            ),
            Term(
                "incommunicado",
                "Held incommunicado (no outside contact)",
                az="Xarici aləmlə əlaqəsiz saxlanılır",
                ru="Содержание без связи с внешним миром",
                huridocs="010102",
            ),
            Term(
                "whereabouts_unknown",
                "Whereabouts not disclosed",
                az="Olduğu yer açıqlanmır",
                ru="Местонахождение не раскрыто",
                huridocs="0102",
            ),
            Term(
                "contact_allowed",
                "Outside contact allowed",
                az="Xarici aləmlə əlaqəyə icazə verilir",
                ru="Связь с внешним миром разрешена",
                huridocs="010101",
            ),
            Term(
                "custody_denied",
                "Authorities deny holding the person",
                az="Hakimiyyət şəxsin saxlanıldığını inkar edir",
                ru="Власти отрицают задержание",
                huridocs="02",
            ),
            Term(
                "monitor_access_denied",
                "Contact with human rights monitors denied",
                az="Hüquq müdafiəçiləri ilə görüşə icazə verilmir",
                ru="Отказ в доступе правозащитникам",
                huridocs="01010204",
            ),
            Term("unknown", "Unknown", az="Naməlum", ru="Неизвестно", huridocs="99"),
        ),
    ),
    Vocabulary(
        name="legal_counsel",
        description="What legal representation a detained or accused person has.",
        huridocs_thesaurus=_MT_LEGAL_COUNSEL,
        terms=(
            Term(
                "own_lawyer",
                "Lawyer of the person's own choosing",
                az="Şəxsin özünün seçdiyi vəkil",
                ru="Адвокат по соглашению",
                huridocs="53",
            ),
            Term(
                "state_appointed_lawyer",
                "State-appointed lawyer",
                az="Dövlət tərəfindən təyin edilmiş vəkil",
                ru="Адвокат по назначению",
                huridocs="51",
            ),
            Term(
                "lawyer_denied",
                "Lawyer not permitted",
                az="Vəkilə icazə verilməyib",
                ru="Адвокат не допущен",
                huridocs="01",
            ),
            Term(
                "no_lawyer",
                "No lawyer requested",
                az="Vəkil tələb edilməyib",
                ru="Адвокат не запрашивался",
                huridocs="02",
            ),
            Term("unknown", "Unknown", az="Naməlum", ru="Неизвестно", huridocs="99"),
        ),
    ),
    Vocabulary(
        name="medical_attention",
        description="What medical care a detained person received.",
        huridocs_thesaurus=_MT_MEDICAL_ATTENTION,
        terms=(
            Term(
                "provided",
                "Adequate care provided",
                az="Lazımi yardım göstərilib",
                ru="Надлежащая помощь оказана",
                huridocs="0205",
            ),
            Term(
                "inadequate",
                "Limited or inadequate care",
                az="Məhdud və ya qeyri-kafi yardım",
                ru="Помощь недостаточна",
                huridocs="0204",
            ),
            Term(
                "denied",
                "No care provided",
                az="Yardım göstərilməyib",
                ru="Помощь не оказана",
                huridocs="0203",
            ),
            Term(
                "not_needed",
                "No care needed",
                az="Yardım tələb olunmayıb",
                ru="Помощь не требовалась",
                huridocs="0201",
            ),
            Term("unknown", "Unknown", az="Naməlum", ru="Неизвестно", huridocs="99"),
        ),
    ),
)

VOCABULARIES: Mapping[str, Vocabulary] = MappingProxyType({v.name: v for v in _ALL})


def vocabulary(name: str) -> Vocabulary:
    """The vocabulary called `name`; UnknownTerm (not KeyError) when there is none."""
    found = VOCABULARIES.get(name)
    if found is None:
        raise UnknownTerm("vocabulary", name, "vocabularies", tuple(VOCABULARIES))
    return found


#: Custody kinds during which the person counts as held (deprived of liberty).
HELD_KINDS: frozenset[str] = frozenset(
    {
        "administrative_detention",
        "pre_trial_detention",
        "house_arrest",
        "police_supervision",
        "imprisonment",
        "psychiatric_confinement",
    }
)
#: Custody kinds that restrict a person's liberty without holding them.
RESTRICTION_KINDS: frozenset[str] = frozenset({"travel_ban", "exile"})
#: Event types that are court hearings (a monitor may attend them).
HEARING_EVENT_TYPES: frozenset[str] = frozenset(
    {"remand_hearing", "trial_hearing", "appeal_hearing", "cassation_hearing"}
)
#: Record kinds whose visibility defaults to confidential: sources, witnesses, relatives.
DEFAULT_CONFIDENTIAL_KINDS: frozenset[str] = frozenset({"source", "relationship", "citation"})
