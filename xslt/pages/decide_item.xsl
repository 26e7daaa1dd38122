<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  decide_item.xsl - one item of a per-item decision (<decide>), for the
  trusted third party it names: the demand's head, what the item asks
  (its own values), the answer recorded or the form to answer (valider /
  refuser / en attente, with a comment), then the applicant's data.
  A file the applicant joined (an identity copy) is a link to
  /documents/<id>, which asks authz: the item's third party reads the
  demand (sql/0037, data_roles).
  A refused answer comes back here (422) with the error summary on top and
  each message by its field.
  Input (engine/h_decide.c): /page/demand, /page/item[@href,@label,
  @group-name,@key,@outcome,@at]/(description, comment, value[@label,@text]/
  line/part), /page/answer[@comment,@error-outcome,@error-comment]/
  (outcome[@value,@checked], typed), /page/data/page/item[@label,@value,
  @document,@size-kb], /page/errors.
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
    <xsl:value-of select="g:msg('decide.item.title', string(demand/@reference))"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <xsl:call-template name="error-summary"/>
    <h1><xsl:value-of select="g:msg('decide.item.title', string(demand/@reference))"/></h1>
    <p class="lead">
      <xsl:value-of select="demand/@title"/>
      <xsl:text> – </xsl:text>
      <xsl:value-of select="item/@label"/>
    </p>
    <xsl:for-each select="demand">
      <xsl:call-template name="progress"/>
    </xsl:for-each>
    <section aria-labelledby="asked-title">
      <h2 id="asked-title"><xsl:value-of select="g:msg('decide.item.asked')"/></h2>
      <xsl:for-each select="item/description"><p class="help"><xsl:value-of select="."/></p></xsl:for-each>
      <dl>
        <dt><xsl:value-of select="g:msg('decide.item.for')"/></dt>
        <dd><xsl:value-of select="item/@group-name"/></dd>
        <xsl:for-each select="item/value">
          <dt><xsl:value-of select="@label"/></dt>
          <dd>
            <xsl:choose>
              <xsl:when test="line">
                <ul>
                  <xsl:for-each select="line">
                    <li>
                      <xsl:for-each select="part">
                        <xsl:if test="position() > 1"><xsl:text> – </xsl:text></xsl:if>
                        <xsl:value-of select="."/>
                      </xsl:for-each>
                    </li>
                  </xsl:for-each>
                </ul>
              </xsl:when>
              <xsl:otherwise><xsl:value-of select="@text"/></xsl:otherwise>
            </xsl:choose>
          </dd>
        </xsl:for-each>
      </dl>
    </section>
    <xsl:if test="item/@outcome">
      <section aria-labelledby="current-title">
        <h2 id="current-title"><xsl:value-of select="g:msg('decide.item.current')"/></h2>
        <p>
          <strong><xsl:value-of select="g:msg(concat('decide.outcome.', item/@outcome))"/></strong>
          <xsl:text> – </xsl:text>
          <xsl:value-of select="item/@at"/>
        </p>
        <xsl:for-each select="item/comment"><blockquote><xsl:value-of select="."/></blockquote></xsl:for-each>
      </section>
    </xsl:if>
    <xsl:choose>
      <xsl:when test="answer">
        <xsl:apply-templates select="answer"/>
      </xsl:when>
      <xsl:otherwise>
        <p><xsl:value-of select="g:msg('decide.item.closed')"/></p>
      </xsl:otherwise>
    </xsl:choose>
    <section aria-labelledby="data-title">
      <h2 id="data-title"><xsl:value-of select="g:msg('decide.item.data')"/></h2>
      <xsl:for-each select="data/page[item]">
        <h3><xsl:value-of select="@title"/></h3>
        <dl>
          <xsl:for-each select="item">
            <dt><xsl:value-of select="@label"/></dt>
            <dd>
              <xsl:choose>
                <xsl:when test="@document">
                  <a href="/documents/{@document}"><xsl:value-of select="@value"/></a>
                  <xsl:text> (</xsl:text><xsl:value-of select="@size-kb"/><xsl:value-of select="g:msg('unit.kb')"/><xsl:text>)</xsl:text>
                </xsl:when>
                <xsl:when test="@value"><xsl:value-of select="@value"/></xsl:when>
                <xsl:otherwise><xsl:value-of select="g:msg('demand.not_given')"/></xsl:otherwise>
              </xsl:choose>
            </dd>
          </xsl:for-each>
        </dl>
      </xsl:for-each>
    </section>
    <p><a href="/verify"><xsl:value-of select="g:msg('decide.item.back')"/></a></p>
  </xsl:template>

  <xsl:template match="answer">
    <section aria-labelledby="answer-title">
      <h2 id="answer-title"><xsl:value-of select="g:msg('decide.item.answer')"/></h2>
      <form method="post" action="{../item/@href}" novalidate="novalidate">
        <xsl:call-template name="csrf"/>
        <fieldset id="f-outcome">
          <xsl:attribute name="class">field<xsl:if test="@error-outcome"> field-error</xsl:if></xsl:attribute>
          <xsl:if test="@error-outcome">
            <xsl:attribute name="aria-describedby">f-outcome-error</xsl:attribute>
          </xsl:if>
          <legend>
            <xsl:value-of select="g:msg('decide.field.outcome')"/>
            <span class="req"><xsl:text> </xsl:text><xsl:value-of select="g:msg('demand.required')"/></span>
          </legend>
          <xsl:if test="@error-outcome">
            <p class="error-msg" id="f-outcome-error">
              <xsl:value-of select="g:msg('demand.error_prefix')"/>
              <xsl:text> </xsl:text>
              <xsl:value-of select="g:msg(@error-outcome)"/>
            </p>
          </xsl:if>
          <xsl:for-each select="outcome">
            <div class="choice">
              <input type="radio" name="outcome" id="outcome-{@value}" value="{@value}">
                <xsl:if test="@checked"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
              </input>
              <xsl:text> </xsl:text>
              <label for="outcome-{@value}"><xsl:value-of select="g:msg(concat('decide.choose.', @value))"/></label>
            </div>
          </xsl:for-each>
        </fieldset>
        <xsl:if test="@comment != 'none'">
          <div id="f-comment-field">
            <xsl:attribute name="class">field<xsl:if test="@error-comment"> field-error</xsl:if></xsl:attribute>
            <label for="f-comment">
              <xsl:value-of select="g:msg('decide.field.comment')"/>
              <xsl:choose>
                <xsl:when test="@comment = 'required'"><span class="req"><xsl:text> </xsl:text><xsl:value-of select="g:msg('demand.required')"/></span></xsl:when>
                <xsl:otherwise><span class="opt"><xsl:text> </xsl:text><xsl:value-of select="g:msg('demand.optional')"/></span></xsl:otherwise>
              </xsl:choose>
            </label>
            <xsl:if test="@error-comment">
              <p class="error-msg" id="f-comment-error">
                <xsl:value-of select="g:msg('demand.error_prefix')"/>
                <xsl:text> </xsl:text>
                <xsl:value-of select="g:msg(@error-comment)"/>
              </p>
            </xsl:if>
            <textarea id="f-comment" name="comment" rows="4">
              <xsl:if test="@error-comment">
                <xsl:attribute name="aria-invalid">true</xsl:attribute>
                <xsl:attribute name="aria-describedby">f-comment-error</xsl:attribute>
              </xsl:if>
              <xsl:value-of select="typed"/>
            </textarea>
          </div>
        </xsl:if>
        <p><button type="submit"><xsl:value-of select="g:msg('decide.item.send')"/></button></p>
      </form>
    </section>
  </xsl:template>
</xsl:stylesheet>
