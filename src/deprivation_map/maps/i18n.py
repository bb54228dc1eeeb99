"""Every word a map, legend, image or report shows, in English, Spanish, Catalan and Greek, and numbers per locale.

One catalogue holds every string: ``TEXTS[key]`` is ``(en, es, ca, el)``. :func:`text` fills ``{placeholders}``
and :func:`number` writes numbers with the locale's decimal and grouping marks (CLDR: ``1,234.5`` in English,
``1234,5`` / ``12.345,5`` in Spanish, ``1.234,5`` in Catalan and Greek). Translations are the project's own;
statistical terms follow the usage of the INE (es), Idescat (ca) and ELSTAT (el).
"""

from __future__ import annotations

import html
import re

import pandas as pd

from .. import _validation as v
from ..errors import ValidationError
from ..spatial import labels as lab

__all__ = [
    "LANGS",
    "TEXTS",
    "check_lang",
    "class_label",
    "method_label",
    "amount",
    "currency_symbol",
    "number",
    "p_name",
    "percent",
    "text",
]

LANGS = ("en", "es", "ca", "el")

TEXTS: dict[str, tuple[str, str, str, str]] = {
    # layers and legends
    "index": ("Deprivation index", "Índice de privación", "Índex de privació", "Δείκτης αποστέρησης"),
    "lisa": ("LISA clusters", "Clústeres LISA", "Clústers LISA", "Συστάδες LISA"),
    "gi": (
        "Hot and cold spots (Gi*)",
        "Puntos calientes y fríos (Gi*)",
        "Punts calents i freds (Gi*)",
        "Θερμά και ψυχρά σημεία (Gi*)",
    ),
    "allocation": ("Allocation per person", "Asignación por persona", "Assignació per persona", "Κατανομή ανά άτομο"),
    "services": ("Services", "Servicios", "Serveis", "Υπηρεσίες"),
    "no_data": ("no data", "sin datos", "sense dades", "χωρίς δεδομένα"),
    "more_deprived": (
        "darker = more deprived",
        "más oscuro = más privación",
        "més fosc = més privació",
        "σκουρότερο = περισσότερη αποστέρηση",
    ),
    # tooltips
    "id": ("ID", "Código", "Codi", "Κωδικός"),
    "score": ("Score", "Puntuación", "Puntuació", "Βαθμολογία"),
    "rank": ("Rank", "Posición", "Posició", "Κατάταξη"),
    "rank_of": ("{rank} of {n}", "{rank} de {n}", "{rank} de {n}", "{rank} από {n}"),
    "decile": (
        "Decile (1 = most deprived)",
        "Decil (1 = más privación)",
        "Decil (1 = més privació)",
        "Δεκατημόριο (1 = μεγαλύτερη αποστέρηση)",
    ),
    "cluster": ("Cluster", "Clúster", "Clúster", "Συστάδα"),
    "hotspot": ("Gi*", "Gi*", "Gi*", "Gi*"),
    "why": ("Main contributors", "Principales factores", "Principals factors", "Κύριοι παράγοντες"),
    "amount": ("Amount", "Importe", "Import", "Ποσό"),
    "per_capita": ("Per person", "Por persona", "Per persona", "Ανά άτομο"),
    # cluster labels (esda / GeoDa vocabulary), keyed by the labels of deprivation_map.spatial.labels
    lab.HIGH_HIGH: ("High-High", "Alto-Alto", "Alt-Alt", "Υψηλό-Υψηλό"),
    lab.LOW_LOW: ("Low-Low", "Bajo-Bajo", "Baix-Baix", "Χαμηλό-Χαμηλό"),
    lab.LOW_HIGH: ("Low-High", "Bajo-Alto", "Baix-Alt", "Χαμηλό-Υψηλό"),
    lab.HIGH_LOW: ("High-Low", "Alto-Bajo", "Alt-Baix", "Υψηλό-Χαμηλό"),
    lab.NOT_SIGNIFICANT: ("Not significant", "No significativo", "No significatiu", "Μη σημαντικό"),
    lab.ISOLATE: (
        "Isolate (no neighbours)",
        "Aislada (sin vecinas)",
        "Aïllada (sense veïnes)",
        "Απομονωμένη (χωρίς γειτονικές)",
    ),
    lab.UNDEFINED: ("no data", "sin datos", "sense dades", "χωρίς δεδομένα"),
    "p_adjusted": (
        "adjusted p ({correction})",
        "p ajustado ({correction})",
        "p ajustat ({correction})",
        "διορθωμένο p ({correction})",
    ),
    "significance": (
        "Significance ({which})",
        "Significación ({which})",
        "Significació ({which})",
        "Στατιστική σημαντικότητα ({which})",
    ),
    "hot_spot": ("Hot spot ({conf})", "Punto caliente ({conf})", "Punt calent ({conf})", "Θερμό σημείο ({conf})"),
    "cold_spot": ("Cold spot ({conf})", "Punto frío ({conf})", "Punt fred ({conf})", "Ψυχρό σημείο ({conf})"),
    # static images
    "index_map": ("Deprivation index", "Índice de privación", "Índex de privació", "Δείκτης αποστέρησης"),
    "cluster_map": (
        "Clusters of deprivation (local Moran)",
        "Clústeres de privación (Moran local)",
        "Clústers de privació (Moran local)",
        "Συστάδες αποστέρησης (τοπικός δείκτης Moran)",
    ),
    "source": ("Source: {source}", "Fuente: {source}", "Font: {source}", "Πηγή: {source}"),
    "default_source": ("deprivation_map", "deprivation_map", "deprivation_map", "deprivation_map"),
    # report
    "report_title": ("Deprivation report", "Informe de privación", "Informe de privació", "Έκθεση αποστέρησης"),
    "generated": (
        "Generated on {date} with deprivation_map {version}.",
        "Generado el {date} con deprivation_map {version}.",
        "Generat el {date} amb deprivation_map {version}.",
        "Δημιουργήθηκε στις {date} με το deprivation_map {version}.",
    ),
    "inputs": (
        "Inputs and join audit",
        "Datos de entrada y auditoría de la unión",
        "Dades d'entrada i auditoria de la unió",
        "Δεδομένα εισόδου και έλεγχος σύνδεσης",
    ),
    "n_areas": (
        "{n} areas on the map, {scored} with a score.",
        "{n} áreas en el mapa, {scored} con puntuación.",
        "{n} àrees al mapa, {scored} amb puntuació.",
        "{n} περιοχές στον χάρτη, {scored} με βαθμολογία.",
    ),
    "boundaries": ("Boundaries", "Límites", "Límits", "Όρια"),
    "table": ("Indicator table", "Tabla de indicadores", "Taula d'indicadors", "Πίνακας δεικτών"),
    "areas": ("Areas", "Áreas", "Àrees", "Περιοχές"),
    "rows": ("Rows", "Filas", "Files", "Γραμμές"),
    "matched": ("Matched", "Enlazadas", "Enllaçades", "Αντιστοιχισμένες"),
    "missing_data": ("Areas without data", "Áreas sin datos", "Àrees sense dades", "Περιοχές χωρίς δεδομένα"),
    "no_boundary": ("Rows without an area", "Filas sin área", "Files sense àrea", "Γραμμές χωρίς περιοχή"),
    "duplicates": ("Repeated IDs", "Códigos repetidos", "Codis repetits", "Επαναλαμβανόμενοι κωδικοί"),
    "repairs": ("Repaired keys", "Códigos corregidos", "Codis corregits", "Διορθωμένοι κωδικοί"),
    "examples": ("Examples", "Ejemplos", "Exemples", "Παραδείγματα"),
    "no_joins": (
        "No join audit was given.",
        "No se ha facilitado la auditoría de la unión.",
        "No s'ha facilitat l'auditoria de la unió.",
        "Δεν δόθηκε έλεγχος σύνδεσης.",
    ),
    "method": ("Index method", "Método del índice", "Mètode de l'índex", "Μέθοδος του δείκτη"),
    "indicator": ("Indicator", "Indicador", "Indicador", "Δείκτης"),
    "direction": ("Direction", "Sentido", "Sentit", "Κατεύθυνση"),
    "weight": ("Effective weight", "Peso efectivo", "Pes efectiu", "Πραγματικό βάρος"),
    "up": (
        "higher = more deprived",
        "más alto = más privación",
        "més alt = més privació",
        "υψηλότερο = περισσότερη αποστέρηση",
    ),
    "down": (
        "lower = more deprived",
        "más bajo = más privación",
        "més baix = més privació",
        "χαμηλότερο = περισσότερη αποστέρηση",
    ),
    "normalise": ("Normalisation", "Normalización", "Normalització", "Κανονικοποίηση"),
    "weighting": ("Weighting", "Ponderación", "Ponderació", "Στάθμιση"),
    "aggregate": ("Aggregation", "Agregación", "Agregació", "Συνάθροιση"),
    "missing": ("Missing values", "Valores ausentes", "Valors absents", "Ελλείπουσες τιμές"),
    "maps": ("Maps", "Mapas", "Mapes", "Χάρτες"),
    "interactive": (
        "Open the interactive map",
        "Abrir el mapa interactivo",
        "Obrir el mapa interactiu",
        "Άνοιγμα του διαδραστικού χάρτη",
    ),
    "moran": (
        "Global spatial autocorrelation",
        "Autocorrelación espacial global",
        "Autocorrelació espacial global",
        "Συνολική χωρική αυτοσυσχέτιση",
    ),
    "moran_text": (
        "Moran's I = {I} (expected {EI} without autocorrelation; pseudo p-value {p}, {perm} permutations).",
        "I de Moran = {I} (esperada {EI} sin autocorrelación; pseudovalor p {p}, {perm} permutaciones).",
        "I de Moran = {I} (esperada {EI} sense autocorrelació; pseudovalor p {p}, {perm} permutacions).",
        "I του Moran = {I} (αναμενόμενη {EI} χωρίς αυτοσυσχέτιση· ψευδο-τιμή p {p}, {perm} μεταθέσεις).",
    ),
    "moran_text_analytic": (
        "Moran's I = {I} (expected {EI} without autocorrelation; p-value {p} from its variance under randomisation).",
        "I de Moran = {I} (esperada {EI} sin autocorrelación; valor p {p} de su varianza bajo aleatorización).",
        "I de Moran = {I} (esperada {EI} sense autocorrelació; valor p {p} de la seva variància sota aleatorització).",
        "I του Moran = {I} (αναμενόμενη {EI} χωρίς αυτοσυσχέτιση· τιμή p {p} από τη διασπορά της υπό τυχαιοποίηση).",
    ),
    "scatter": (
        "Moran scatter plot",
        "Diagrama de dispersión de Moran",
        "Diagrama de dispersió de Moran",
        "Διάγραμμα διασποράς Moran",
    ),
    "z": ("Standardised score", "Puntuación estandarizada", "Puntuació estandarditzada", "Τυποποιημένη βαθμολογία"),
    "lag": (
        "Spatial lag of the standardised score",
        "Retardo espacial de la puntuación estandarizada",
        "Retard espacial de la puntuació estandarditzada",
        "Χωρική υστέρηση της τυποποιημένης βαθμολογίας",
    ),
    "slope": ("slope = Moran's I", "pendiente = I de Moran", "pendent = I de Moran", "κλίση = I του Moran"),
    "counts": ("Cluster counts", "Recuento de clústeres", "Recompte de clústers", "Πλήθος περιοχών ανά συστάδα"),
    "top": (
        "The {n} most deprived areas",
        "Las {n} áreas con más privación",
        "Les {n} àrees amb més privació",
        "Οι {n} περιοχές με τη μεγαλύτερη αποστέρηση",
    ),
    "name": ("Name", "Nombre", "Nom", "Όνομα"),
    "methodology": ("Methodology", "Metodología", "Metodologia", "Μεθοδολογία"),
    "choice": ("Choice", "Elección", "Elecció", "Επιλογή"),
    "value": ("Value", "Valor", "Valor", "Τιμή"),
    "graph": ("Spatial weights", "Pesos espaciales", "Pesos espacials", "Χωρικά βάρη"),
    "permutations": ("Permutations", "Permutaciones", "Permutacions", "Μεταθέσεις"),
    "alpha": ("Significance level", "Nivel de significación", "Nivell de significació", "Επίπεδο σημαντικότητας"),
    "inference": ("Inference", "Inferencia", "Inferència", "Στατιστική επαγωγή"),
    "alternative": ("Alternative hypothesis", "Hipótesis alternativa", "Hipòtesi alternativa", "Εναλλακτική υπόθεση"),
    "seed": ("Random seed", "Semilla aleatoria", "Llavor aleatòria", "Τυχαίος σπόρος"),
    "classification": (
        "Map classification",
        "Clasificación del mapa",
        "Classificació del mapa",
        "Ταξινόμηση του χάρτη",
    ),
    # how LISA p-values were corrected, by Hotspots.correction
    # where the LISA p-values come from, by Hotspots.inference (the {source} of the sentences below)
    "source_permutation": (
        "conditional permutations",
        "permutaciones condicionales",
        "permutacions condicionals",
        "δεσμευμένες μεταθέσεις",
    ),
    "source_analytic": (
        "the normal approximation of their exact moments under randomisation",
        "la aproximación normal de sus momentos exactos bajo aleatorización",
        "l'aproximació normal dels seus moments exactes sota aleatorització",
        "την κανονική προσέγγιση των ακριβών ροπών τους υπό τυχαιοποίηση",
    ),
    "multiple_fdr": (
        (
            "LISA p-values come from {source} and are adjusted for multiple testing by the "
            "Benjamini-Hochberg procedure, which keeps the expected share of false discoveries among the "
            "significant areas at or below the significance level."
        ),
        (
            "Los valores p de LISA proceden de {source} y se ajustan por comparaciones "
            "múltiples con el procedimiento de Benjamini-Hochberg, que mantiene la proporción esperada de falsos "
            "descubrimientos entre las áreas significativas en el nivel de significación o por debajo."
        ),
        (
            "Els valors p de LISA provenen de {source} i s'ajusten per comparacions múltiples "
            "amb el procediment de Benjamini-Hochberg, que manté la proporció esperada de falsos descobriments "
            "entre les àrees significatives en el nivell de significació o per sota."
        ),
        (
            "Οι τιμές p του LISA προκύπτουν από {source} και προσαρμόζονται για πολλαπλούς "
            "ελέγχους με τη διαδικασία Benjamini-Hochberg, η οποία διατηρεί το αναμενόμενο ποσοστό ψευδών "
            "ευρημάτων μεταξύ των σημαντικών περιοχών στο επίπεδο σημαντικότητας ή χαμηλότερα."
        ),
    ),
    "multiple_bonferroni": (
        (
            "LISA p-values come from {source} and are adjusted for multiple testing "
            "with the Bonferroni correction (multiplied by the number of areas tested), so the chance "
            "of any false significant area stays at or below the significance level."
        ),
        (
            "Los valores p de LISA proceden de {source} y se ajustan por "
            "comparaciones múltiples con la corrección de Bonferroni (multiplicados por el número de "
            "áreas contrastadas), de modo que la probabilidad de algún falso positivo no supera el "
            "nivel de significación."
        ),
        (
            "Els valors p de LISA provenen de {source} i s'ajusten per comparacions "
            "múltiples amb la correcció de Bonferroni (multiplicats pel nombre d'àrees contrastades), de "
            "manera que la probabilitat d'algun fals positiu no supera el nivell de significació."
        ),
        (
            "Οι τιμές p του LISA προκύπτουν από {source} και προσαρμόζονται για "
            "πολλαπλούς ελέγχους με τη διόρθωση Bonferroni (πολλαπλασιάζονται με τον αριθμό των "
            "περιοχών που ελέγχονται), ώστε η πιθανότητα οποιουδήποτε ψευδώς σημαντικού αποτελέσματος "
            "να μην υπερβαίνει το επίπεδο σημαντικότητας."
        ),
    ),
    "multiple_none": (
        (
            "LISA p-values come from {source}; no correction for multiple testing is applied, "
            "so some significant areas are expected by chance."
        ),
        (
            "Los valores p de LISA proceden de {source}; no se aplica corrección por "
            "comparaciones múltiples, por lo que cabe esperar algunas áreas significativas por azar."
        ),
        (
            "Els valors p de LISA provenen de {source}; no s'aplica cap correcció per "
            "comparacions múltiples, de manera que cal esperar algunes àrees significatives per atzar."
        ),
        (
            "Οι τιμές p του LISA προκύπτουν από {source}· δεν εφαρμόζεται διόρθωση για "
            "πολλαπλούς ελέγχους, άρα αναμένονται ορισμένες σημαντικές περιοχές κατά τύχη."
        ),
    ),
    # the allocation section of the report
    "allocation_section": ("Allocation", "Asignación", "Assignació", "Κατανομή"),
    "budget": ("Budget", "Presupuesto", "Pressupost", "Προϋπολογισμός"),
    "allocation_method": ("Allocation method", "Método de asignación", "Mètode d'assignació", "Μέθοδος κατανομής"),
    "areas_funded": ("Areas funded", "Áreas financiadas", "Àrees finançades", "Περιοχές που χρηματοδοτούνται"),
    "baseline": ("Baseline", "Referencia", "Referència", "Σημείο αναφοράς"),
    "gini": (
        "Gini of the allocation per person",
        "Gini de la asignación por persona",
        "Gini de l'assignació per persona",
        "Δείκτης Gini της κατανομής ανά άτομο",
    ),
    "concentration": (
        "Concentration index against need",
        "Índice de concentración respecto a la necesidad",
        "Índex de concentració respecte a la necessitat",
        "Δείκτης συγκέντρωσης ως προς την ανάγκη",
    ),
    "share_decile": (
        "Share reaching the most deprived decile",
        "Proporción que llega al decil con más privación",
        "Proporció que arriba al decil amb més privació",
        "Μερίδιο που φτάνει στο δεκατημόριο με τη μεγαλύτερη αποστέρηση",
    ),
    "share_hotspots": (
        "Share reaching High-High clusters",
        "Proporción que llega a los clústeres Alto-Alto",
        "Proporció que arriba als clústers Alt-Alt",
        "Μερίδιο που φτάνει στις συστάδες Υψηλό-Υψηλό",
    ),
    "underfunded": (
        "Under-funded hotspots (below the baseline)",
        "Puntos calientes infrafinanciados (por debajo de la referencia)",
        "Punts calents infrafinançats (per sota de la referència)",
        "Υποχρηματοδοτούμενα θερμά σημεία (κάτω από το σημείο αναφοράς)",
    ),
    "with_baseline": (
        "{value} (baseline: {baseline})",
        "{value} (referencia: {baseline})",
        "{value} (referència: {baseline})",
        "{value} (σημείο αναφοράς: {baseline})",
    ),
    "none": ("none", "ninguno", "cap", "κανένα"),
    # method names (registry keys) for the report; a name not listed here is shown as it is
    "m:zscore": ("z-scores", "puntuaciones z", "puntuacions z", "τυπικές τιμές z"),
    "m:proportional": (
        "proportional to need × population",
        "proporcional a necesidad × población",
        "proporcional a necessitat × població",
        "ανάλογη με ανάγκη × πληθυσμό",
    ),
    "m:progressive": (
        "progressive (need raised to a power)",
        "progresiva (necesidad elevada a una potencia)",
        "progressiva (necessitat elevada a una potència)",
        "προοδευτική (ανάγκη υψωμένη σε δύναμη)",
    ),
    "m:threshold": (
        "only to areas above a threshold",
        "solo a las áreas por encima de un umbral",
        "només a les àrees per sobre d'un llindar",
        "μόνο σε περιοχές πάνω από ένα όριο",
    ),
    # allocation baselines (equity.BASELINES), for the report
    "baseline:equal_per_capita": ("equal per person", "igual por persona", "igual per persona", "ίση ανά άτομο"),
    "baseline:equal": ("equal per area", "igual por área", "igual per àrea", "ίση ανά περιοχή"),
    "m:minmax": (
        "min-max rescaling to [0, 1]",
        "reescalado mín-máx a [0, 1]",
        "reescalat mín-màx a [0, 1]",
        "κλιμάκωση ελάχιστου-μέγιστου στο [0, 1]",
    ),
    "m:rank": ("ranks", "rangos", "rangs", "τάξεις κατάταξης"),
    "m:equal": ("equal weights", "pesos iguales", "pesos iguals", "ίσα βάρη"),
    "m:explicit": ("weights as given", "pesos indicados", "pesos indicats", "βάρη όπως δόθηκαν"),
    "m:mean": (
        "weighted arithmetic mean",
        "media aritmética ponderada",
        "mitjana aritmètica ponderada",
        "σταθμισμένος αριθμητικός μέσος",
    ),
    "m:raise": (
        "refuse, naming the areas",
        "rechazar, nombrando las áreas",
        "rebutjar, anomenant les àrees",
        "απόρριψη, με ονομασία των περιοχών",
    ),
    "m:exclude": (
        "leave those areas without a score",
        "dejar esas áreas sin puntuación",
        "deixar aquestes àrees sense puntuació",
        "οι περιοχές αυτές μένουν χωρίς βαθμολογία",
    ),
    "m:two-sided": ("two-sided", "bilateral", "bilateral", "αμφίπλευρη"),
    "m:greater": ("one-sided, greater", "unilateral, mayor", "unilateral, més gran", "μονόπλευρη, μεγαλύτερη"),
    "m:less": ("one-sided, less", "unilateral, menor", "unilateral, més petita", "μονόπλευρη, μικρότερη"),
    "m:folded": (
        "one-sided, folded: in the observed direction (GeoDa's and esda's p_sim)",
        "unilateral, plegada: en la dirección observada (p_sim de GeoDa y esda)",
        "unilateral, plegada: en la direcció observada (p_sim de GeoDa i esda)",
        "μονόπλευρη, διπλωμένη: προς την παρατηρούμενη κατεύθυνση (p_sim των GeoDa και esda)",
    ),
    "m:permutation": (
        "conditional permutations",
        "permutaciones condicionales",
        "permutacions condicionals",
        "δεσμευμένες μεταθέσεις",
    ),
    "m:analytic": (
        "analytic: exact moments under randomisation, normal p-values",
        "analítica: momentos exactos bajo aleatorización, valores p normales",
        "analítica: moments exactes sota aleatorització, valors p normals",
        "αναλυτική: ακριβείς ροπές υπό τυχαιοποίηση, κανονικές τιμές p",
    ),
    "m:queen": (
        "queen contiguity (a shared border or corner)",
        "contigüidad de reina (frontera o vértice común)",
        "contigüitat de reina (frontera o vèrtex comú)",
        "γειτνίαση βασίλισσας (κοινό όριο ή κορυφή)",
    ),
    "m:rook": (
        "rook contiguity (a shared border)",
        "contigüidad de torre (frontera común)",
        "contigüitat de torre (frontera comuna)",
        "γειτνίαση πύργου (κοινό όριο)",
    ),
    "m:quantiles": ("quantiles", "cuantiles", "quantils", "ποσοστημόρια"),
    "m:equal_interval": ("equal intervals", "intervalos iguales", "intervals iguals", "ίσα διαστήματα"),
    "m:fisher_jenks": (
        "Fisher-Jenks natural breaks",
        "cortes naturales de Fisher-Jenks",
        "talls naturals de Fisher-Jenks",
        "φυσικά όρια Fisher-Jenks",
    ),
    "m:natural_breaks": ("natural breaks", "cortes naturales", "talls naturals", "φυσικά όρια"),
    "m:std_mean": (
        "standard deviations from the mean",
        "desviaciones típicas respecto de la media",
        "desviacions típiques respecte de la mitjana",
        "τυπικές αποκλίσεις από τον μέσο",
    ),
    "m:user_defined": (
        "breaks given by the user",
        "cortes definidos por el usuario",
        "talls definits per l'usuari",
        "όρια από τον χρήστη",
    ),
}

_LANG_INDEX = {lang: i for i, lang in enumerate(LANGS)}
# (decimal mark, group mark, minimum digits before grouping applies), from CLDR.
_NUMBERS = {"en": (".", ",", 4), "es": (",", ".", 5), "ca": (",", ".", 4), "el": (",", ".", 4)}
_PERCENT_SPACE = {"en": "", "es": "\u00a0", "ca": "\u00a0", "el": ""}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is one of :data:`LANGS`, else raise naming them.

    Examples
    --------
    >>> check_lang("el")
    'el'
    >>> check_lang("fr")
    Traceback (most recent call last):
    ...
    deprivation_map.errors.ValidationError: Unknown language 'fr': expected one of 'en', 'es', 'ca', 'el'.
    """
    return v.choose(lang, LANGS, what="language")


def text(key: str, lang: str, **values: object) -> str:
    """The string ``key`` in ``lang`` with ``{placeholders}`` filled (values are inserted as given).

    Examples
    --------
    >>> text("rank_of", "el", rank=3, n=159)
    '3 από 159'
    """
    entry = v.lookup(TEXTS, key, what="text key")
    return entry[_LANG_INDEX[check_lang(lang)]].format(**values)


def number(value: float | None, lang: str, digits: int = 2) -> str:
    """``value`` with ``digits`` decimals, the locale's decimal mark and thousands grouping; "–" if missing.

    Examples
    --------
    >>> number(1234.5, "en"), number(1234.5, "es"), number(12345.678, "es"), number(-0.5, "ca", 3)
    ('1,234.50', '1234,50', '12.345,68', '-0,500')
    """
    if value is None or pd.isna(value):
        return "–"
    marks = _NUMBERS.get(lang) or _NUMBERS[check_lang(lang)]  # (check_lang raises on a bad one; this is hot)
    decimal_mark, group_mark, min_digits = marks
    value = round(float(value), digits) + 0.0  # a value that rounds to zero is 0, never "-0"
    sign, body = ("-", f"{-value:.{digits}f}") if value < 0 else ("", f"{value:.{digits}f}")
    whole, _, frac = body.partition(".")
    if len(whole) >= min_digits:
        whole = re.sub(r"(?<=\d)(?=(\d{3})+$)", group_mark, whole)
    return sign + whole + (decimal_mark + frac if frac else "")


def amount(value: float | None, lang: str, *, currency: str | None = None, unit: str | None = None) -> str:
    """A value with its currency (ISO 4217 code, formatted by Babel for ``lang``) or its unit; "–" if missing.

    The result is plain text: escape it before it goes into HTML.

    Examples
    --------
    >>> amount(1234.5, "es", currency="EUR"), amount(1234.5, "en", currency="EUR"), amount(12.5, "ca", unit="%")
    ('1.234,50\\xa0€', '€1,234.50', '12,50 %')
    >>> amount(3.25, "el", unit="km²"), amount(None, "en", currency="GBP")
    ('3,25 km²', '–')
    """
    if value is None or pd.isna(value):
        return "–"
    if currency is not None:
        from babel.numbers import format_currency

        return format_currency(float(value), currency, locale=check_lang(lang))
    return number(value, lang) + (f" {unit}" if unit else "")


def currency_symbol(currency: str, lang: str) -> str:
    """The symbol of ``currency`` (ISO 4217) in ``lang`` (Babel, CLDR), refusing an unknown code.

    Examples
    --------
    >>> currency_symbol("EUR", "el"), currency_symbol("GBP", "en")
    ('€', '£')
    """
    from babel.numbers import get_currency_symbol, is_currency

    if not is_currency(str(currency)):
        raise ValidationError(f"Unknown currency {currency!r}: give its ISO 4217 code, such as 'EUR', 'GBP' or 'USD'.")
    return get_currency_symbol(currency, locale=check_lang(lang))


def percent(value: float, lang: str, digits: int = 0) -> str:
    """A percentage (``value`` already in percent) with the locale's marks: ``95 %`` in Spanish and Catalan.

    Examples
    --------
    >>> percent(95, "es"), percent(12.5, "en", 1), percent(1234.5, "el", 1)  # a no-break space before % in Spanish
    ('95\xa0%', '12.5%', '1.234,5%')
    """
    return number(value, lang, digits) + _PERCENT_SPACE[lang] + "%"


_GI = {
    **{lab.hot_spot(conf): ("hot_spot", float(conf.rstrip("%"))) for _, _, conf in lab.GI_LEVELS},
    **{lab.cold_spot(conf): ("cold_spot", float(conf.rstrip("%"))) for _, _, conf in lab.GI_LEVELS},
}


def class_label(label: str, lang: str) -> str:
    """A cluster label (LISA or Gi*) in ``lang``, HTML-escaped; an unknown label is escaped as it is.

    Examples
    --------
    >>> class_label("Hot spot (95%)", "es"), class_label("High-High", "ca")
    ('Punto caliente (95\\xa0%)', 'Alt-Alt')
    """
    if label in _GI:
        key, confidence = _GI[label]
        return html.escape(text(key, lang, conf=percent(confidence, lang)))
    if label in TEXTS:
        return html.escape(text(label, lang))
    return html.escape(label)


# The short names of the multiple-testing corrections (spatial.multiple_testing), the same in every language.
_CORRECTIONS = {"fdr": "FDR", "bonferroni": "Bonferroni"}


def p_name(correction: str, lang: str) -> str:
    """The name of the p-value a label was decided by: "p" with no correction, else "adjusted p (FDR)" ...

    Examples
    --------
    >>> p_name("fdr", "en"), p_name("bonferroni", "ca"), p_name("none", "es")
    ('adjusted p (FDR)', 'p ajustat (Bonferroni)', 'p')
    """
    if correction in _CORRECTIONS:
        return text("p_adjusted", lang, correction=_CORRECTIONS[correction])
    return "p"  # the same symbol in every language


def method_label(name: str, lang: str, *, kind: str = "m") -> str:
    """A registry name described in ``lang``, the name itself after it; unknown names as they are.

    ``kind`` is the catalogue's namespace: ``"m"`` for methods, ``"baseline"`` for allocation baselines
    (the same name can mean different things in two registries: equal weights, equal amounts).

    Examples
    --------
    >>> method_label("zscore", "es"), method_label("pca", "es"), method_label("equal", "en", kind="baseline")
    ('puntuaciones z (zscore)', 'pca', 'equal per area (equal)')
    """
    key = f"{kind}:{name}"
    return f"{text(key, lang)} ({name})" if key in TEXTS else str(name)
