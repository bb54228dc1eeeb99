"""The atlas's own words (navigation, search, district pages), in the languages of :mod:`..maps.i18n`.

The words the maps and the report share (score, rank, decile, join audit ...) come from
:func:`deprivation_map.maps.i18n.text`; these are only the atlas's. ``WORDS[key]`` is ``(en, es, ca, el)``.
"""

from __future__ import annotations

from ..maps.i18n import LANGS, check_lang

__all__ = ["ENDONYMS", "WORDS", "word"]

ENDONYMS = {"en": "English", "es": "Español", "ca": "Català", "el": "Ελληνικά"}

WORDS: dict[str, tuple[str, str, str, str]] = {
    "atlas": ("Deprivation atlas", "Atlas de privación", "Atles de privació", "Άτλας αποστέρησης"),
    "skip": ("Skip to the content", "Saltar al contenido", "Salta al contingut", "Μετάβαση στο περιεχόμενο"),
    "overview": ("Overview", "Vista general", "Visió general", "Επισκόπηση"),
    "districts": ("Districts", "Distritos", "Districtes", "Διαμερίσματα"),
    "district": ("District", "Distrito", "Districte", "Διαμέρισμα"),
    "methods": ("Methods", "Métodos", "Mètodes", "Μέθοδοι"),
    "data": ("Data", "Datos", "Dades", "Δεδομένα"),
    "language": ("Language", "Idioma", "Idioma", "Γλώσσα"),
    "search": (
        "Search an area by name or code",
        "Buscar un área por nombre o código",
        "Cerca una àrea pel nom o el codi",
        "Αναζήτηση περιοχής με όνομα ή κωδικό",
    ),
    "no_match": (
        "No area matches.",
        "Ningún área coincide.",
        "Cap àrea no coincideix.",
        "Καμία περιοχή δεν ταιριάζει.",
    ),
    "more_matches": (
        "{n} more: type more of the name or code.",
        "{n} más: escriba más del nombre o del código.",
        "{n} més: escriviu més del nom o del codi.",
        "{n} ακόμη: πληκτρολογήστε περισσότερο από το όνομα ή τον κωδικό.",
    ),
    "published": ("Published on {date}.", "Publicado el {date}.", "Publicat el {date}.", "Δημοσίευση: {date}."),
    "licence": ("Licence: {licence}", "Licencia: {licence}", "Llicència: {licence}", "Άδεια: {licence}"),
    "made_with": (
        "Made with deprivation_map {version}.",
        "Hecho con deprivation_map {version}.",
        "Fet amb deprivation_map {version}.",
        "Δημιουργήθηκε με το deprivation_map {version}.",
    ),
    "map_frame": (
        "Interactive map: deprivation index and its clusters",
        "Mapa interactivo: índice de privación y sus clústeres",
        "Mapa interactiu: índex de privació i els seus clústers",
        "Διαδραστικός χάρτης: δείκτης αποστέρησης και οι συστάδες του",
    ),
    "map_help": (
        "Choose a layer in the control at the top right of the map (keyboard: Tab, then Space).",
        "Elija una capa en el control de la parte superior derecha del mapa (teclado: Tab y espacio).",
        "Trieu una capa al control de la part superior dreta del mapa (teclat: Tab i espai).",
        "Επιλέξτε επίπεδο στο χειριστήριο πάνω δεξιά στον χάρτη (πληκτρολόγιο: Tab και διάστημα).",
    ),
    "open_map": (
        "Open the map full screen",
        "Abrir el mapa a pantalla completa",
        "Obre el mapa a pantalla completa",
        "Άνοιγμα του χάρτη σε πλήρη οθόνη",
    ),
    "no_districts": (
        "No districts were configured, so there are no district pages (add a [districts] section).",
        "No se configuraron distritos, por lo que no hay páginas por distrito (añada una sección [districts]).",
        "No s'han configurat districtes, per tant no hi ha pàgines per districte (afegiu una secció [districts]).",
        "Δεν ορίστηκαν διαμερίσματα, άρα δεν υπάρχουν σελίδες ανά διαμέρισμα (προσθέστε ενότητα [districts]).",
    ),
    "scored": ("Areas scored", "Áreas con puntuación", "Àrees amb puntuació", "Περιοχές με βαθμολογία"),
    "scored_of": (
        "{scored} of {n} areas scored ({share}).",
        "{scored} de {n} áreas con puntuación ({share}).",
        "{scored} de {n} àrees amb puntuació ({share}).",
        "{scored} από {n} περιοχές με βαθμολογία ({share}).",
    ),
    "population": ("Population", "Población", "Població", "Πληθυσμός"),
    "extent": (
        "Extent (population in the most deprived decile)",
        "Extensión (población en el decil de más privación)",
        "Extensió (població al decil de més privació)",
        "Έκταση (πληθυσμός στο δεκατημόριο μεγαλύτερης αποστέρησης)",
    ),
    "concentration": (
        "Local concentration (mean rank of its most deprived tenth; 1 = most deprived)",
        "Concentración local (posición media de su décima parte con más privación; 1 = más privación)",
        "Concentració local (posició mitjana de la seva desena part amb més privació; 1 = més privació)",
        "Τοπική συγκέντρωση (μέση κατάταξη του πιο αποστερημένου δέκατου· 1 = μεγαλύτερη αποστέρηση)",
    ),
    "high_high_pop": (
        "Population in High-High clusters",
        "Población en clústeres Alto-Alto",
        "Població en clústers Alt-Alt",
        "Πληθυσμός σε συστάδες Υψηλό-Υψηλό",
    ),
    "ranked": (
        "Its areas, most deprived first",
        "Sus áreas, de más a menos privación",
        "Les seves àrees, de més a menys privació",
        "Οι περιοχές του, από την πιο αποστερημένη",
    ),
    "district_map": (
        "Map of the deprivation index in {name}: darker areas are more deprived, white dashed areas have no data.",
        (
            "Mapa del índice de privación en {name}: las áreas más oscuras tienen más privación; las blancas con borde "
            "discontinuo no tienen datos."
        ),
        (
            "Mapa de l'índex de privació a {name}: les àrees més fosques tenen més privació; les blanques amb vora "
            "discontínua no tenen dades."
        ),
        (
            "Χάρτης του δείκτη αποστέρησης στο {name}: οι σκουρότερες περιοχές έχουν μεγαλύτερη αποστέρηση, οι λευκές "
            "με διακεκομμένο περίγραμμα δεν έχουν δεδομένα."
        ),
    ),
    "robust": (
        "Hot spot in runs",
        "Punto caliente en ejecuciones",
        "Punt calent en execucions",
        "Θερμό σημείο σε εκτελέσεις",
    ),
    "robust_title": (
        "How robust the hot spots are",
        "Robustez de los puntos calientes",
        "Robustesa dels punts calents",
        "Πόσο σταθερά είναι τα θερμά σημεία",
    ),
    "robust_text": (
        (
            "{statistic} hot spots recomputed {runs} times ({graphs} graphs × {replicates} versions of the index): "
            "{always} areas were hot spots in every run, {half} in at least half of them."
        ),
        (
            "Puntos calientes ({statistic}) recalculados {runs} veces ({graphs} grafos × {replicates} versiones del "
            "índice): {always} áreas lo fueron en todas las ejecuciones y {half} en al menos la mitad."
        ),
        (
            "Punts calents ({statistic}) recalculats {runs} vegades ({graphs} grafs × {replicates} versions de "
            "l'índex): {always} àrees ho van ser en totes les execucions i {half} en almenys la meitat."
        ),
        (
            "Θερμά σημεία ({statistic}) υπολογισμένα {runs} φορές ({graphs} γράφοι × {replicates} εκδοχές του "
            "δείκτη): {always} περιοχές ήταν θερμά σημεία σε κάθε εκτέλεση, {half} σε τουλάχιστον τις μισές."
        ),
    ),
    "downloads": ("Download the results", "Descargar los resultados", "Baixa els resultats", "Λήψη αποτελεσμάτων"),
    "csv": (
        "Table (CSV, one row per area; open in a spreadsheet)",
        "Tabla (CSV, una fila por área; se abre en una hoja de cálculo)",
        "Taula (CSV, una fila per àrea; s'obre en un full de càlcul)",
        "Πίνακας (CSV, μία γραμμή ανά περιοχή· ανοίγει σε υπολογιστικό φύλλο)",
    ),
    "gpkg": (
        "Areas with their results (GeoPackage, for QGIS or ArcGIS)",
        "Áreas con sus resultados (GeoPackage, para QGIS o ArcGIS)",
        "Àrees amb els seus resultats (GeoPackage, per a QGIS o ArcGIS)",
        "Περιοχές με τα αποτελέσματά τους (GeoPackage, για QGIS ή ArcGIS)",
    ),
    "districts_csv": ("Districts (CSV)", "Distritos (CSV)", "Districtes (CSV)", "Διαμερίσματα (CSV)"),
    "metadata": (
        "How they were made (inputs with checksums, options, versions; JSON)",
        "Cómo se obtuvieron (entradas con sumas de control, opciones, versiones; JSON)",
        "Com s'han obtingut (entrades amb sumes de control, opcions, versions; JSON)",
        "Πώς παρήχθησαν (είσοδοι με αθροίσματα ελέγχου, επιλογές, εκδόσεις· JSON)",
    ),
    "formulas": ("Formulas", "Fórmulas", "Fórmules", "Τύποι"),
    "config": (
        "The configuration as run",
        "La configuración tal como se ejecutó",
        "La configuració tal com s'ha executat",
        "Η διαμόρφωση όπως εκτελέστηκε",
    ),
    "table_audit": ("Table audit", "Revisión de las tablas", "Revisió de les taules", "Έλεγχος πινάκων"),
    "uncertainty": (
        "Uncertainty of the ranks",
        "Incertidumbre de las posiciones",
        "Incertesa de les posicions",
        "Αβεβαιότητα των κατατάξεων",
    ),
    "uncertainty_text": (
        (
            "The index was recomputed {replicates} times varying the choices below (seed {seed}); each area's 90% "
            "interval of ranks is in the data. Choices that moved the ranks most come first."
        ),
        (
            "El índice se recalculó {replicates} veces variando las opciones siguientes (semilla {seed}); el intervalo "
            "del 90 % de posiciones de cada área está en los datos. Primero, las opciones que más movieron las posiciones."
        ),
        (
            "L'índex s'ha recalculat {replicates} vegades variant les opcions següents (llavor {seed}); l'interval del "
            "90 % de posicions de cada àrea és a les dades. Primer, les opcions que més han mogut les posicions."
        ),
        (
            "Ο δείκτης υπολογίστηκε ξανά {replicates} φορές μεταβάλλοντας τις παρακάτω επιλογές (σπόρος {seed})· το "
            "διάστημα 90% των κατατάξεων κάθε περιοχής είναι στα δεδομένα. Πρώτα οι επιλογές με τη μεγαλύτερη επίδραση."
        ),
    ),
    "rank_interval": (
        "Rank (90% interval)",
        "Posición (intervalo del 90 %)",
        "Posició (interval del 90 %)",
        "Κατάταξη (διάστημα 90%)",
    ),
    "statistics": ("Spatial statistics", "Estadística espacial", "Estadística espacial", "Χωρική στατιστική"),
    "areas_by_district": ("Areas", "Áreas", "Àrees", "Περιοχές"),
}

_INDEX = {lang: i for i, lang in enumerate(LANGS)}


def word(key: str, lang: str, **values: object) -> str:
    """The atlas's word ``key`` in ``lang``, with ``{placeholders}`` filled (plain text: escape it to show it).

    Examples
    --------
    >>> word("published", "ca", date="2026-12-05")
    'Publicat el 2026-12-05.'
    """
    return WORDS[key][_INDEX[check_lang(lang)]].format(**values)
