namespace Sharpformer.Tasks;

/// <summary>What a caller in the rescue task asks for ("急需发电机和医疗队").</summary>
[Flags]
public enum RescueNeeds
{
    /// <summary>Nothing requested.</summary>
    None = 0,

    /// <summary>发电机: implies a power problem, answered by restoring the supply.</summary>
    Generator = 1,

    /// <summary>医疗队: a medical team.</summary>
    MedicalTeam = 2,

    /// <summary>饮用水: drinking water.</summary>
    Water = 4,

    /// <summary>取暖物资: heating supplies.</summary>
    Heating = 8,
}
