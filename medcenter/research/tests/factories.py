import factory

from medcenter.research.models import Publication


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publication

    pmid = factory.Sequence(lambda n: str(90000001 + n))
    doi = factory.Sequence(lambda n: f"10.5555/demo.{n:04d}")
    title = factory.Sequence(lambda n: f"A fictional study number {n}")
    journal = "Journal of Demonstration Oncology"
    year = 2025
    authors = factory.LazyFunction(lambda: ["Rivera, Ana"])
