using Mapster;
using Smpkr.Api.Classifiers;
using Smpkr.Api.Register;

namespace Smpkr.Api.Tests.Classifiers;

public sealed class ClassifierCsvTests
{
    [Test]
    public void Reads_quoted_fields_with_commas_quotes_and_line_breaks()
    {
        var csv = "code,nameLt,nameEn,parent,validFrom,validTo\n" +
                  "A1,\"Vardas, su kableliu\",\"Say \"\"hi\"\"\",,2020-01-01,\n" +
                  "A2,\"Dvi\neilutės\",,A1,,2021-12-31\n";

        var items = ClassifierCsv.ReadItems(new StringReader(csv));

        Assert.That(items, Is.EqualTo(new[]
        {
            new ClassifierCsv.Item("A1", "Vardas, su kableliu", "Say \"hi\"", null, new DateOnly(2020, 1, 1), null),
            new ClassifierCsv.Item("A2", "Dvi\neilutės", null, "A1", null, new DateOnly(2021, 12, 31)),
        }));
    }

    [Test]
    public void A_wrong_header_is_refused()
    {
        Assert.That(() => ClassifierCsv.ReadItems(new StringReader("code,name\nA,B\n")),
            Throws.InstanceOf<FormatException>().With.Message.Contains("header"));
    }

    [Test]
    public void A_bad_date_names_its_line()
    {
        var csv = "code,nameLt,nameEn,parent,validFrom,validTo\nA1,Vardas,,,2020-13-01,\n";

        Assert.That(() => ClassifierCsv.ReadItems(new StringReader(csv)),
            Throws.InstanceOf<FormatException>().With.Message.Contains("Line 2").And.Message.Contains("validFrom"));
    }

    [Test]
    public void A_row_with_too_few_fields_is_refused()
    {
        var csv = "code,nameLt,nameEn,parent,validFrom,validTo\nA1,Vardas\n";

        Assert.That(() => ClassifierCsv.ReadItems(new StringReader(csv)), Throws.InstanceOf<FormatException>().With.Message.Contains("Line 2"));
    }
}

public sealed class ClassifierRulesTests
{
    [Test]
    public void A_complete_item_passes()
    {
        var errors = ClassifierRules.Check(new NewClassifierItem { Code = "B05", Name = new LocalizedTextInput("Kryptis", "Field"), Parent = "B" });

        Assert.That(errors, Is.Empty);
    }

    [Test]
    public void Every_broken_rule_is_reported_at_once()
    {
        var errors = ClassifierRules.Check(new NewClassifierItem
        {
            Code = "bad code",
            Name = new LocalizedTextInput(null, new string('x', 300)),
            Description = "tab\tis fine\nhere",
            ValidFrom = new DateOnly(2030, 1, 2),
            ValidTo = new DateOnly(2030, 1, 1),
        });

        Assert.That(errors.Select(e => (e.Path, e.Code)), Is.EquivalentTo(new[]
        {
            ("code", "classifier.code-format"),
            ("name.lt", "text.required"),
            ("name.en", "text.too-long"),
            ("validTo", "dates.out-of-order"),
        }));
    }
}

public sealed class MappingTests
{
    [Test]
    public void The_mapping_configuration_compiles_and_maps_names_as_bilingual_text()
    {
        var config = new TypeAdapterConfig();
        config.Scan(typeof(ClassifierMapping).Assembly);

        Assert.That(() => config.Compile(), Throws.Nothing);
        var item = new ClassifierItem { ClassifierAbbreviation = "KL_X", Code = "A", NameLt = "Vardas", NameEn = "Name", ParentCode = "P" };
        var response = item.Adapt<ClassifierItemResponse>(config);
        Assert.That(response, Is.EqualTo(new ClassifierItemResponse { Code = "A", Name = new LocalizedText("Vardas", "Name"), Parent = "P", Revision = 1 }));
    }
}
