using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>
    /// The comments an author wrote about one statement: the block of comment lines directly above it (a blank line
    /// ends the block) and the comment at the end of its last line. Rules read them for a stated decision ("no token
    /// here: …", "fire and forget", "continuations run inline on purpose").
    /// </summary>
    internal static class StatementComments
    {
        /// <summary>Whether a comment on the statement or member declaration holding <paramref name="node"/> <paramref name="says"/> so.</summary>
        internal static bool Say(SyntaxNode node, Func<string, bool> says)
        {
            var holder = node.FirstAncestorOrSelf<SyntaxNode>(n => n is StatementSyntax or MemberDeclarationSyntax);
            if (holder is null)
            {
                return false;
            }

            var leading = holder.GetLeadingTrivia();
            var newlines = 0;
            for (var i = leading.Count - 1; i >= 0; i--)
            {
                var trivia = leading[i];
                if (trivia.IsKind(SyntaxKind.WhitespaceTrivia))
                {
                    continue;
                }

                if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
                {
                    // A blank line ends the comment block that belongs to this statement.
                    if (++newlines > 1)
                    {
                        break;
                    }

                    continue;
                }

                if (!IsComment(trivia))
                {
                    break;
                }

                newlines = 0;
                if (says(trivia.ToString()))
                {
                    return true;
                }
            }

            foreach (var trivia in holder.GetLastToken().TrailingTrivia)
            {
                if (IsComment(trivia) && says(trivia.ToString()))
                {
                    return true;
                }
            }

            return false;
        }

        internal static bool IsComment(SyntaxTrivia trivia) =>
            trivia.IsKind(SyntaxKind.SingleLineCommentTrivia) || trivia.IsKind(SyntaxKind.MultiLineCommentTrivia);
    }
}
