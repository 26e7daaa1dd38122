<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  demand.xsl - one demand: where it stands (state, progress, dates), the
  steps the reader may take (one form each, with a comment, the step's own
  fields and attachments), the data entered page by page, the documents,
  and the history with its comments.  A refused step comes back here with
  status 422, the error summary on top and each message by its field.
  On top, what the service asks (/page/asked) or the decision
  (/page/decision); before the history, the messages (/page/messages).
  Input (engine/h_demand_view.c): /page/demand, /page/actions/action,
  /page/data/form/page/item, /page/documents/document,
  /page/history/event, /page/edit, /page/done, /page/errors,
  /page/@print-href; /page/demand/@viewer (owner or staff), @expires.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>
  <xsl:import href="../form.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:call-template name="title-prefix"/>
    <xsl:value-of select="demand/@title"/>
    <xsl:text> – </xsl:text>
    <xsl:value-of select="demand/@reference"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <xsl:call-template name="error-summary"/>
    <xsl:for-each select="done">
      <div class="flash flash-ok" role="status">
        <xsl:value-of select="g:msg('demand.done', @label)"/>
      </div>
    </xsl:for-each>
    <xsl:if test="@duplicated = 'yes'">
      <div class="flash flash-ok" role="status"><xsl:value-of select="g:msg('drafts.duplicate.done')"/></div>
    </xsl:if>
    <xsl:if test="posted">
      <div class="flash flash-ok" role="status"><xsl:value-of select="g:msg('message.posted')"/></div>
    </xsl:if>
    <xsl:if test="@read-receipt = 'yes'">
      <div class="flash flash-ok" role="status"><xsl:value-of select="g:msg('demand.read_receipt')"/></div>
    </xsl:if>
    <xsl:apply-templates select="demand"/>
    <xsl:if test="actions/action or edit">
      <section id="actions" aria-labelledby="actions-title" tabindex="-1">
        <h2 id="actions-title"><xsl:value-of select="g:msg('demand.actions')"/></h2>
        <xsl:for-each select="edit">
          <p><a class="button secondary" href="{@href}"><xsl:value-of select="g:msg('demand.edit')"/></a></p>
        </xsl:for-each>
        <xsl:apply-templates select="actions/action"/>
      </section>
    </xsl:if>
    <xsl:apply-templates select="answers"/>
    <xsl:apply-templates select="data"/>
    <xsl:if test="documents/document">
      <section aria-labelledby="docs-title">
        <h2 id="docs-title"><xsl:value-of select="g:msg('demand.documents')"/></h2>
        <ul>
          <xsl:for-each select="documents/document">
            <li>
              <xsl:value-of select="@label"/>
              <xsl:value-of select="g:msg('punct.colon')"/>
              <a href="/documents/{@id}"><xsl:value-of select="@filename"/></a>
              <xsl:text> (</xsl:text><xsl:value-of select="@size-kb"/><xsl:value-of select="g:msg('unit.kb')"/><xsl:text>, </xsl:text>
              <xsl:value-of select="@at"/><xsl:text>)</xsl:text>
            </li>
          </xsl:for-each>
        </ul>
      </section>
    </xsl:if>
    <xsl:apply-templates select="messages"/>
    <xsl:apply-templates select="history"/>
    <xsl:for-each select="duplicate">
      <section aria-labelledby="dup-title">
        <h2 id="dup-title"><xsl:value-of select="g:msg('drafts.duplicate.title')"/></h2>
        <xsl:choose>
          <xsl:when test="@href">
            <form method="post" action="{@href}">
              <xsl:call-template name="csrf"/>
              <p class="help"><xsl:value-of select="g:msg('drafts.duplicate.help')"/></p>
              <p><button type="submit" class="secondary"><xsl:value-of select="g:msg('drafts.duplicate.button')"/></button></p>
            </form>
          </xsl:when>
          <xsl:otherwise>
            <p class="unavailable"><xsl:value-of select="g:msg(@reason-key)"/></p>
          </xsl:otherwise>
        </xsl:choose>
      </section>
    </xsl:for-each>
    <xsl:if test="@print-href">
      <p><a href="{@print-href}"><xsl:value-of select="g:msg('print.link')"/></a></p>
    </xsl:if>
    <p><a href="/dashboard"><xsl:value-of select="g:msg('demand.back_dashboard')"/></a></p>
  </xsl:template>

  <xsl:template match="demand">
    <h1><xsl:value-of select="@title"/></h1>
    <xsl:call-template name="demand-head"/>
    <xsl:apply-templates select="../asked | ../decision"/>
    <section class="status" aria-labelledby="status-title">
      <h2 id="status-title"><xsl:value-of select="g:msg('demand.status')"/></h2>
      <p>
        <xsl:value-of select="g:msg('demand.state')"/>
        <xsl:value-of select="g:msg('punct.colon')"/>
        <strong><xsl:value-of select="@state-label"/></strong>
      </p>
      <xsl:if test="state-description">
        <p><xsl:value-of select="state-description"/></p>
      </xsl:if>
      <xsl:if test="@viewer = 'staff' and /page/actions/action">
        <p><xsl:value-of select="g:msg('demand.staff.steps_below')"/></p>
      </xsl:if>
      <xsl:if test="@expires">
        <p class="expires"><xsl:value-of select="g:msg('drafts.expires', @expires)"/></p>
      </xsl:if>
      <!-- a draft given up was never under way: no progress to show -->
      <xsl:if test="not(@final = 'yes' and not(@submitted))">
        <xsl:call-template name="progress"/>
      </xsl:if>
      <dl>
        <dt><xsl:value-of select="g:msg('demand.created')"/></dt>
        <dd><xsl:value-of select="@created"/></dd>
        <xsl:if test="@submitted">
          <dt><xsl:value-of select="g:msg('demand.submitted')"/></dt>
          <dd><xsl:value-of select="@submitted"/></dd>
        </xsl:if>
        <dt><xsl:value-of select="g:msg('demand.updated')"/></dt>
        <dd><xsl:value-of select="@updated"/></dd>
        <dt><xsl:value-of select="g:msg('demand.filed_by')"/></dt>
        <dd>
          <xsl:value-of select="@owner"/>
          <xsl:if test="@entity">
            <xsl:text>, </xsl:text><xsl:value-of select="g:msg('ctx.for')"/><xsl:text> </xsl:text><xsl:value-of select="@entity"/>
          </xsl:if>
        </dd>
        <xsl:if test="@filed-agent">
          <dt class="counter-filed"><xsl:value-of select="g:msg('desk.filed', concat(@filed-agent, ', ', @filed-group))"/></dt>
          <dd class="counter-filed"><xsl:value-of select="g:msg('desk.filed_for', @owner)"/></dd>
        </xsl:if>
      </dl>
    </section>
  </xsl:template>

  <xsl:template match="action">
    <form method="post" action="{@href}" class="action" novalidate="novalidate">
      <xsl:if test="@multipart = 'yes'"><xsl:attribute name="enctype">multipart/form-data</xsl:attribute></xsl:if>
      <xsl:call-template name="csrf"/>
      <input type="hidden" name="version" value="{/page/demand/@version}"/>
      <xsl:if test="field or @comment != 'none' or description">
        <h3 id="{@prefix}title"><xsl:value-of select="@label"/></h3>
      </xsl:if>
      <xsl:if test="description"><p class="help"><xsl:value-of select="description"/></p></xsl:if>
      <xsl:apply-templates select="field"/>
      <xsl:if test="@comment != 'none'">
        <div class="field" id="{@prefix}comment-field">
          <xsl:if test="@comment-error"><xsl:attribute name="class">field field-error</xsl:attribute></xsl:if>
          <label for="{@prefix}comment">
            <xsl:value-of select="g:msg('demand.comment')"/>
            <xsl:choose>
              <xsl:when test="@comment = 'required'"><span class="req"><xsl:text> </xsl:text><xsl:value-of select="g:msg('demand.required')"/></span></xsl:when>
              <xsl:otherwise><span class="opt"><xsl:text> </xsl:text><xsl:value-of select="g:msg('demand.optional')"/></span></xsl:otherwise>
            </xsl:choose>
          </label>
          <xsl:if test="@comment-error">
            <p class="error-msg" id="{@prefix}comment-error">
              <xsl:value-of select="g:msg('demand.error_prefix')"/>
              <xsl:text> </xsl:text>
              <xsl:value-of select="g:msg(@comment-error, string(@comment-error-arg))"/>
            </p>
          </xsl:if>
          <textarea id="{@prefix}comment" name="comment" rows="4">
            <xsl:if test="@comment = 'required'"><xsl:attribute name="aria-required">true</xsl:attribute></xsl:if>
            <xsl:if test="@comment-error">
              <xsl:attribute name="aria-invalid">true</xsl:attribute>
              <xsl:attribute name="aria-describedby"><xsl:value-of select="concat(@prefix, 'comment-error')"/></xsl:attribute>
            </xsl:if>
            <xsl:value-of select="comment-value"/>
          </textarea>
        </div>
      </xsl:if>
      <p>
        <button type="submit">
          <xsl:if test="@kind = 'secondary'"><xsl:attribute name="class">secondary</xsl:attribute></xsl:if>
          <xsl:value-of select="@label"/>
        </button>
      </p>
    </form>
  </xsl:template>

  <xsl:template match="data">
    <section aria-labelledby="data-title">
      <h2 id="data-title"><xsl:value-of select="g:msg('demand.data')"/></h2>
      <xsl:for-each select="form">
        <xsl:if test="count(../form) > 1 and @title != ''">
          <h3><xsl:value-of select="@title"/></h3>
        </xsl:if>
        <xsl:for-each select="page">
          <div class="data-page">
            <xsl:element name="{concat('h', 3 + number(count(../../form) > 1 and ../@title != ''))}">
              <xsl:value-of select="@title"/>
              <xsl:if test="@edit-href">
                <xsl:text> </xsl:text>
                <a href="{@edit-href}">
                  <xsl:value-of select="g:msg('demand.edit_page')"/>
                  <span class="sr-context"><xsl:value-of select="g:msg('punct.colon')"/><xsl:value-of select="@title"/></span>
                </a>
              </xsl:if>
            </xsl:element>
            <dl>
              <xsl:for-each select="item|group">
                <xsl:if test="self::group">
                  <dt id="{@id}"><xsl:value-of select="@label"/></dt>
                  <dd><xsl:apply-templates select="." mode="data-group"/></dd>
                </xsl:if>
                <xsl:if test="self::item">
                <dt id="{@id}"><xsl:value-of select="@label"/></dt>
                <dd>
                  <xsl:choose>
                    <xsl:when test="@document">
                      <a href="/documents/{@document}"><xsl:value-of select="@value"/></a>
                      <xsl:text> (</xsl:text><xsl:value-of select="@size-kb"/><xsl:value-of select="g:msg('unit.kb')"/><xsl:text>)</xsl:text>
                    </xsl:when>
                    <xsl:when test="@value"><xsl:value-of select="@value"/></xsl:when>
                    <xsl:otherwise><xsl:value-of select="g:msg('demand.not_given')"/></xsl:otherwise>
                  </xsl:choose>
                  <xsl:if test="@error">
                    <span class="error-msg">
                      <xsl:text> </xsl:text>
                      <xsl:value-of select="g:msg('demand.error_prefix')"/>
                      <xsl:text> </xsl:text>
                      <xsl:value-of select="g:msg(@error, string(@error-arg))"/>
                    </span>
                  </xsl:if>
                </dd>
                </xsl:if>
              </xsl:for-each>
            </dl>
          </div>
        </xsl:for-each>
      </xsl:for-each>
    </section>
  </xsl:template>

  <!-- per-item decisions: each authority's answer (xslt/i18n/decide.xml) -->
  <xsl:template match="answers">
    <section aria-labelledby="answers-title">
      <h2 id="answers-title"><xsl:value-of select="g:msg('decide.answers.title')"/></h2>
      <p class="help"><xsl:value-of select="g:msg('decide.answers.lead')"/></p>
      <ul class="answers">
        <xsl:for-each select="answer">
          <li>
            <strong><xsl:value-of select="@group-name"/></strong>
            <xsl:value-of select="g:msg('punct.colon')"/>
            <xsl:choose>
              <xsl:when test="@outcome">
                <xsl:value-of select="g:msg(concat('decide.outcome.', @outcome))"/>
                <xsl:text> (</xsl:text><xsl:value-of select="@at"/><xsl:text>)</xsl:text>
              </xsl:when>
              <xsl:otherwise><xsl:value-of select="g:msg('decide.no_answer')"/></xsl:otherwise>
            </xsl:choose>
            <xsl:for-each select="comment"><blockquote><xsl:value-of select="."/></blockquote></xsl:for-each>
          </li>
        </xsl:for-each>
      </ul>
    </section>
  </xsl:template>

  <!-- a repeating group's items as read (engine/demand_group.c dv_group_data) -->
  <xsl:template match="group" mode="data-group">
    <xsl:for-each select="entry">
      <div class="data-group" id="{@id}">
        <p><strong><xsl:value-of select="@legend"/></strong></p>
        <dl>
          <xsl:for-each select="item|group">
            <dt id="{@id}"><xsl:value-of select="@label"/></dt>
            <dd>
              <xsl:choose>
                <xsl:when test="self::group"><xsl:apply-templates select="." mode="data-group"/></xsl:when>
                <xsl:when test="@value"><xsl:value-of select="@value"/></xsl:when>
                <xsl:otherwise><xsl:value-of select="g:msg('demand.not_given')"/></xsl:otherwise>
              </xsl:choose>
            </dd>
          </xsl:for-each>
        </dl>
      </div>
    </xsl:for-each>
  </xsl:template>

  <xsl:template match="history">
    <section aria-labelledby="history-title">
      <h2 id="history-title"><xsl:value-of select="g:msg('demand.history')"/></h2>
      <ol class="history">
        <xsl:for-each select="event">
          <li>
            <time datetime="{@iso}"><xsl:value-of select="@at"/></time>
            <xsl:text> – </xsl:text>
            <strong><xsl:value-of select="@label"/></strong>
            <xsl:choose>
              <!-- the draft filed at the counter (0036) -->
              <xsl:when test="position() = 1 and ../../demand/@filed-agent">
                <xsl:text> (</xsl:text>
                <xsl:value-of select="g:msg('desk.filed_event', concat(../../demand/@filed-agent, ', ', ../../demand/@filed-group))"/>
                <xsl:text> </xsl:text>
                <xsl:value-of select="g:msg('desk.filed_for', ../../demand/@owner)"/>
                <xsl:text>)</xsl:text>
              </xsl:when>
              <xsl:when test="@actor and @for">
                <xsl:text> (</xsl:text><xsl:value-of select="@actor"/><xsl:text>, </xsl:text>
                <xsl:value-of select="g:msg('desk.on_behalf', @for)"/><xsl:text>)</xsl:text>
              </xsl:when>
              <xsl:when test="@actor">
                <xsl:text> (</xsl:text><xsl:value-of select="@actor"/><xsl:text>)</xsl:text>
              </xsl:when>
            </xsl:choose>
            <xsl:if test="@kind = 'system'">
              <xsl:text> (</xsl:text><xsl:value-of select="g:msg('demand.system')"/><xsl:text>)</xsl:text>
            </xsl:if>
            <xsl:if test="@to">
              <xsl:text> → </xsl:text><xsl:value-of select="@to"/>
            </xsl:if>
            <xsl:if test="comment">
              <blockquote><p><xsl:value-of select="comment"/></p></blockquote>
            </xsl:if>
          </li>
        </xsl:for-each>
      </ol>
    </section>
  </xsl:template>
  <!-- what the service asks, on top of the page (h_demand_view.c top_node) -->
  <xsl:template match="asked">
    <section class="top-note asked" aria-labelledby="asked-title">
      <h2 id="asked-title"><xsl:value-of select="g:msg('message.asked_title')"/></h2>
      <xsl:if test="comment">
        <blockquote><p><xsl:value-of select="comment"/></p></blockquote>
      </xsl:if>
      <p class="help">
        <time><xsl:value-of select="@at"/></time>
        <xsl:if test="@actor"><xsl:text> – </xsl:text><xsl:value-of select="@actor"/></xsl:if>
      </p>
      <xsl:if test="/page/actions/action or /page/edit">
        <p><a href="#actions"><xsl:value-of select="g:msg('message.asked_action')"/></a></p>
      </xsl:if>
    </section>
  </xsl:template>

  <!-- the decision, on top of the page -->
  <xsl:template match="decision">
    <section class="top-note decision" aria-labelledby="decision-title">
      <h2 id="decision-title"><xsl:value-of select="g:msg('message.decision_title')"/></h2>
      <p>
        <strong><xsl:value-of select="@label"/></strong>
        <xsl:text> – </xsl:text><time><xsl:value-of select="@at"/></time>
        <xsl:if test="@actor"><xsl:text> – </xsl:text><xsl:value-of select="@actor"/></xsl:if>
      </p>
      <xsl:if test="comment">
        <blockquote><p><xsl:value-of select="comment"/></p></blockquote>
      </xsl:if>
      <xsl:if test="document">
        <ul>
          <xsl:for-each select="document">
            <li>
              <xsl:value-of select="@label"/>
              <xsl:value-of select="g:msg('punct.colon')"/>
              <a href="/documents/{@id}"><xsl:value-of select="@filename"/></a>
              <xsl:text> (</xsl:text><xsl:value-of select="@size-kb"/><xsl:value-of select="g:msg('unit.kb')"/><xsl:text>)</xsl:text>
            </li>
          </xsl:for-each>
        </ul>
      </xsl:if>
    </section>
  </xsl:template>

  <!-- the thread with the service (engine/message.c) and the form to write -->
  <xsl:template match="messages">
    <section id="messages" aria-labelledby="messages-title" tabindex="-1">
      <h2 id="messages-title"><xsl:value-of select="g:msg('message.title')"/></h2>
      <xsl:choose>
        <xsl:when test="message">
          <ol class="messages">
            <xsl:for-each select="message">
              <li class="message message-{@side}">
                <p class="message-head">
                  <strong><xsl:value-of select="@author"/></strong>
                  <xsl:text> (</xsl:text>
                  <xsl:value-of select="g:msg(concat('message.side.', @side))"/>
                  <xsl:text>) – </xsl:text>
                  <time datetime="{@iso}"><xsl:value-of select="@at"/></time>
                  <xsl:if test="@new = 'yes'">
                    <xsl:text> </xsl:text><span class="badge"><xsl:value-of select="g:msg('message.new')"/></span>
                  </xsl:if>
                </p>
                <p class="message-body"><xsl:value-of select="body"/></p>
              </li>
            </xsl:for-each>
          </ol>
        </xsl:when>
        <xsl:otherwise>
          <p><xsl:value-of select="g:msg('message.none')"/></p>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:if test="@href">
        <form method="post" action="{@href}" class="message-form" novalidate="novalidate">
          <xsl:call-template name="csrf"/>
          <div class="field" id="message-field">
            <xsl:if test="@error"><xsl:attribute name="class">field field-error</xsl:attribute></xsl:if>
            <label for="message-text"><xsl:value-of select="g:msg('message.label')"/></label>
            <p class="help" id="message-hint"><xsl:value-of select="g:msg('message.hint', @max)"/></p>
            <xsl:if test="@error">
              <p class="error-msg" id="message-error">
                <xsl:value-of select="g:msg('demand.error_prefix')"/>
                <xsl:text> </xsl:text>
                <xsl:value-of select="g:msg(@error, string(@error-arg))"/>
              </p>
            </xsl:if>
            <textarea id="message-text" name="message" rows="5" aria-required="true">
              <xsl:choose>
                <xsl:when test="@error">
                  <xsl:attribute name="aria-invalid">true</xsl:attribute>
                  <xsl:attribute name="aria-describedby">message-error message-hint</xsl:attribute>
                </xsl:when>
                <xsl:otherwise>
                  <xsl:attribute name="aria-describedby">message-hint</xsl:attribute>
                </xsl:otherwise>
              </xsl:choose>
              <xsl:value-of select="draft"/>
            </textarea>
          </div>
          <p><button type="submit"><xsl:value-of select="g:msg('message.send')"/></button></p>
        </form>
      </xsl:if>
    </section>
  </xsl:template>
</xsl:stylesheet>
