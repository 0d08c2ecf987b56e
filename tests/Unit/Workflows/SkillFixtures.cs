namespace SessionAnalytics.Tests.Workflows;

/// <summary>
/// Realistic SKILL.md files in the style of a .claude/skills tree (tdd, rca, ci, test), written with the syntaxes that
/// trip naive readers: chains, &amp; groups, every node shape, :::class, %% comments and directives, classDef, style,
/// linkStyle, subgraph/direction/end, click, labels with punctuation, inline and piped labels, invisible links.
/// </summary>
internal static class SkillFixtures
{
    public const string TddSkill = """
        ---
        name: tdd
        description: Test-driven loops against CI, kind and HyperShift clusters.
        ---

        # TDD

        Route to the right loop. Shell first, so the reader must skip non-mermaid fences:

        ```bash
        echo "flowchart TD; NOT --> THIS"
        ```

            ```mermaid
            indented code, not a fence: ignored
            ```

        ## TDD Workflow

        ```mermaid
        %%{init: {'flowchart': {'curve': 'basis'}}}%%
        flowchart TD
            %% Entry points
            START([User: fix this PR]):::entry --> ROUTER{"Which target?"}
            ROUTER -->|CI only| TDDCI["/tdd:ci — iterate on CI"]
            ROUTER -->|local kind| TDDKIND["tdd:kind"]
            ROUTER -- "HyperShift (real cluster)" --> HS[[tdd:hypershift]]
            TDDCI --> PUSH>git push] --> CI{CI green?}
            CI -->|CI green| REVIEWS(github:pr-review)
            CI -->|CI failed| RCACI[/rca:ci/]
            RCACI -.->|fix found| TDDCI
            TDDKIND & HS ==> LOCAL{{Local tests pass?}}
            LOCAL -->|yes| TDDCI
            LOCAL -->|no, error| TDDKIND
            REVIEWS --> DONE(((Done)))
            classDef entry fill:#e3f2fd,stroke:#1565c0
            style DONE fill:#c8e6c9
            linkStyle 0 stroke:#1565c0
        ```

        ## Second diagram (never used: only the first block is the template)

        ```mermaid
        flowchart LR
            X --> Y
        ```
        """;

    public const string RcaSkill = """
        # RCA

        Root-cause analysis of CI and cluster failures.

        ## RCA Workflow

        ```mermaid
        graph LR
            subgraph Evidence["Gather evidence"]
                direction TB
                LOGS[Fetch CI logs] --> ART[(Artifacts)]
                ART --> MUST{{must-gather}}
            end
            RCA["rca:* entry"] --> LOGS
            MUST & ART -->|symptoms| HYP{Hypothesis?}
            HYP -->|confirmed| FIX[tdd:ci]
            HYP -->|rejected| LOGS
            HYP -- "no repro; timed out" --> ESC>Escalate to a human]
            click ESC "https://example.com/escalation" "Escalation guide"
            FIX --> REPORT([Report: root cause, fix & evidence])
        ```
        """;

    public const string CiSkill = """
        # CI

        ~~~mermaid
        flowchart TB
          STATUS[ci:status] --> RESULT{Result}
          RESULT -->|pass| MERGE[Ready to merge]
          RESULT -->|fail| RCACI[rca:ci]
          RESULT -.->|flaky| RERUN[ci:rerun]
          RERUN --> STATUS
          RCACI --> TDDCI[tdd:ci] --> STATUS
          MERGE ~~~ RERUN
        ~~~
        """;

    public const string TestSkill = """
        # Test

        ```Mermaid
        flowchart LR
            W[test:write] --> R[test:run] --> E{Errors?};
            E -->|none| C[test:coverage] & P[test:review]
            E -->|errors| W
            C --o REPORT[[Report]]
            P --x BLOCK[Blocked]
            R <--> WATCH((watch mode))
            linkStyle default stroke:#333
        ```
        """;

    /// <summary>Writes tdd, rca, ci and test under a fresh temporary skills directory (returned).</summary>
    public static string WriteSkillsDirectory()
    {
        var root = Path.Combine(Path.GetTempPath(), "sa-skills-" + Guid.NewGuid().ToString("N"));
        Write(root, "tdd", TddSkill);
        Write(root, "rca", RcaSkill);
        Write(root, "ci", CiSkill);
        Write(root, "test", TestSkill);
        return root;
    }

    public static void Write(string skillsRoot, string relativeFolder, string markdown)
    {
        var folder = Path.Combine(skillsRoot, relativeFolder);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "SKILL.md"), markdown);
    }

    public static string Block(string markdown) =>
        SessionAnalytics.Core.Workflows.SkillTemplateReader.FirstMermaidBlock(markdown)?.Text ?? throw new InvalidOperationException("no mermaid block");
}

/// <summary>A temporary directory deleted at the end of a test.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory(string? path = null)
    {
        Path = path ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sa-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
