"""HL7 mCODE STU4: a patient's cancer record imported from, and exported as, FHIR resources.

    report = import_mcode(resources=bundle, patient=patient, actor=request.user)
    bundle = export_mcode(patient=patient)

Writes go through the oncology services; see importer.py and exporter.py for what maps where.
"""

from medcenter.fhir.mcode.exporter import export_mcode
from medcenter.fhir.mcode.importer import import_mcode
from medcenter.fhir.mcode.report import ImportReport

__all__ = ["ImportReport", "export_mcode", "import_mcode"]
