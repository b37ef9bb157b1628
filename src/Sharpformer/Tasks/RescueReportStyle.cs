namespace Sharpformer.Tasks;

/// <summary>How a caller words a distress report in the rescue task.</summary>
public enum RescueReportStyle
{
    /// <summary>Short comma-separated facts: "山区公路积雪3米,断电,50人被困,急需发电机和医疗队".</summary>
    Terse,

    /// <summary>A spoken call with greeting and closing: "你好,110吗,我在山区公路遭遇了雪灾,雪已经可以完全盖住我开的车了,...".</summary>
    Rambling,
}
