using SourceSearch.Index;

namespace SourceSearch.Tests.Index;

public class PassageListTests
{
    [Fact]
    public void Passages_come_back_as_written()
    {
        Passage[] passages = [new(0, 3), new(5, 300), new(300, 70_000), new(70_002, 200_000)];
        var bytes = PassageList.Encode(passages);
        Assert.Equal(passages, PassageList.Decode(bytes, 200_000));
        // One short passage takes two bytes.
        Assert.Equal(2, PassageList.Encode([new Passage(0, 67)]).Length);
    }

    [Theory]
    [InlineData(new byte[] { })]                 // no passage at all
    [InlineData(new byte[] { 0x00 })]            // a gap without a length
    [InlineData(new byte[] { 0x00, 0x80 })]      // a varint cut short
    [InlineData(new byte[] { 0x00, 0x65 })]      // past the end of a text of 100 units
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00 })] // a varint longer than 32 bits
    public void Bytes_that_are_not_a_passage_list_for_the_text_read_as_none(byte[] bytes) =>
        Assert.Null(PassageList.Decode(bytes, 100));

    [Fact]
    public void Passages_out_of_order_are_refused_when_written() =>
        Assert.Throws<ArgumentException>(() => PassageList.Encode([new Passage(10, 20), new Passage(5, 8)]));
}
